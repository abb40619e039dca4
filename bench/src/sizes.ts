// Workload sizes: the standard ones of WORKLOADS.md, the reduced `--quick` ones and the tiny smoke-test ones.

export interface Sizes {
	w1: {
		nodes: number;
		plainWarmup: number;
		/** After the timed runs without a store, this many more and `plain` timed again: compiled (0: skipped). */
		plainCompiledWarmup: number;
		plain: number;
		savedWarmup: number;
		saved: number;
		/** Runs of the chain before W1d's and W1p's timed runs (both engines), each on its own thread. */
		durableWarmup: number;
		/** Runs of the chain on a SQLite file (W1d, the durable per-step cost); 0 skips it. */
		sqlite: number;
		/** Runs of the chain on Postgres (W1p, the durable per-step cost over a round trip); 0 skips it. */
		postgres: number;
		/** Round-trip commits (W1p-f) in the batch timed after each of those runs. */
		postgresCommits: number;
	};
	w2: { sends: number; warmup: number; runs: number; store: boolean };
	w3: { loops: number; sqlite: boolean };
	w4: {
		loops: number;
		forkStep: number;
		listings: number;
		reads: number;
		forks: number;
	};
	w5: {
		warmup: number;
		cycles: number;
		/** Then this many more untimed cycles and `cycles` timed again: the compiled figure (0: skipped). */
		compiledWarmup: number;
		/** Cycles on a SQLite file (0 skips it and the new-process figure). */
		sqliteCycles: number;
		/** Threads paused here and answered each from a new process. */
		processes: number;
	};
	w6: { warmup: number; rounds: number; inProcess: number; peer: boolean };
	/** Issue 5's LLM-layer overhead: a ReAct agent of `turns` tool calls on a scripted model. */
	l1: {
		turns: number;
		warmup: number;
		runs: number;
		/** Then this many more untimed runs and `runs` timed again: the compiled figure (0: skipped). */
		compiledWarmup: number;
	};
	/** Issue 13's telemetry cost: L1 with and without an OpenTelemetry provider, `rounds` times each. */
	t1: { turns: number; warmup: number; runs: number; rounds: number };
}

export type Size = "standard" | "quick" | "smoke";

export const SIZES: Record<Size, Sizes> = {
	standard: {
		w1: {
			nodes: 100,
			plainWarmup: 20,
			plainCompiledWarmup: 400,
			plain: 200,
			savedWarmup: 5,
			saved: 50,
			durableWarmup: 20,
			sqlite: 10,
			postgres: 10,
			postgresCommits: 100,
		},
		w2: { sends: 1000, warmup: 3, runs: 20, store: true },
		w3: { loops: 300, sqlite: true },
		w4: { loops: 250, forkStep: 100, listings: 3, reads: 20, forks: 5 },
		w5: {
			warmup: 10,
			cycles: 200,
			compiledWarmup: 600,
			sqliteCycles: 100,
			processes: 5,
		},
		w6: { warmup: 2, rounds: 10, inProcess: 5, peer: true },
		l1: { turns: 10, warmup: 20, runs: 100, compiledWarmup: 300 },
		t1: { turns: 10, warmup: 20, runs: 100, rounds: 3 },
	},
	quick: {
		w1: {
			nodes: 100,
			plainWarmup: 5,
			plainCompiledWarmup: 20,
			plain: 40,
			savedWarmup: 2,
			saved: 10,
			durableWarmup: 3,
			sqlite: 3,
			postgres: 3,
			postgresCommits: 100,
		},
		w2: { sends: 200, warmup: 1, runs: 5, store: true },
		w3: { loops: 60, sqlite: true },
		w4: { loops: 60, forkStep: 40, listings: 1, reads: 5, forks: 2 },
		w5: {
			warmup: 3,
			cycles: 50,
			compiledWarmup: 50,
			sqliteCycles: 20,
			processes: 2,
		},
		w6: { warmup: 1, rounds: 3, inProcess: 2, peer: true },
		l1: { turns: 10, warmup: 5, runs: 20, compiledWarmup: 20 },
		t1: { turns: 10, warmup: 5, runs: 20, rounds: 2 },
	},
	smoke: {
		w1: {
			nodes: 10,
			plainWarmup: 1,
			plainCompiledWarmup: 1,
			plain: 2,
			savedWarmup: 1,
			saved: 2,
			durableWarmup: 1,
			sqlite: 1,
			postgres: 1,
			postgresCommits: 10,
		},
		w2: { sends: 20, warmup: 1, runs: 2, store: true },
		w3: { loops: 6, sqlite: true },
		w4: { loops: 8, forkStep: 4, listings: 1, reads: 1, forks: 2 },
		w5: {
			warmup: 1,
			cycles: 3,
			compiledWarmup: 1,
			sqliteCycles: 2,
			processes: 0,
		},
		w6: { warmup: 0, rounds: 1, inProcess: 1, peer: false },
		l1: { turns: 2, warmup: 1, runs: 2, compiledWarmup: 1 },
		t1: { turns: 2, warmup: 1, runs: 2, rounds: 1 },
	},
};
