import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import {
	ConfigError,
	isWeftError,
	MemoryCheckpointer,
	WeftError,
} from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import { type EvalCase, parseCases } from "./dataset.ts";
import {
	casesDigest,
	checkArguments,
	checkSameCases,
	checkSameScorers,
	checkScorers,
	checkThreadIds,
} from "./evaluate-checks.ts";
import {
	freeExitedLease,
	type HeldLease,
	inputFailed,
	runCase,
} from "./run-case.ts";
import { defaultOutput } from "./run-output.ts";
import {
	type CaseRun,
	failedScore,
	type Scorer,
	toScore,
} from "./scorers/scorer.ts";
import {
	type CaseResult,
	type EvalRunRecord,
	type EvalStore,
	type EvalSummary,
	MemoryEvalStore,
} from "./store/eval-store.ts";
import { summarize } from "./summarize.ts";

/** Options of `evaluate`. */
export interface EvaluateOptions {
	/** The run's id; an id already in the store resumes that run (its finished cases are kept). Default: a new id. */
	runId?: string | undefined;
	/** Shown by `weft eval compare` and lists. Default: the run id. */
	name?: string | undefined;
	/** Where results go. Default: in memory. */
	store?: EvalStore | undefined;
	/** Cases run at once. Default 4. */
	concurrency?: number | undefined;
	/** Turns a case's `input` (plain JSON from a file) into the graph's input, e.g. text into messages. Default: as it is. */
	input?: ((input: any, c: EvalCase) => unknown) | undefined;
	/** What scorers compare, from the final state. Default: the last AI message's text, else `answer`, else the state. */
	output?: ((values: any) => unknown) | undefined;
	/** Recorded with the run. */
	graphRef?: string | undefined;
	/** Recorded on every checkpoint of the cases' runs (as a run's `metadata`; `weft eval` records its module there). */
	metadata?: Record<string, string | number | boolean | null> | undefined;
	dataset?: string | undefined;
	signal?: AbortSignal | undefined;
	/** Milliseconds for latency budgets (tests inject one). Default performance.now. */
	clock?: (() => number) | undefined;
	/**
	 * When resuming after a crash, how long to wait for the dead process's lease on a case's thread to
	 * expire (the graph's `leaseTtlMs`, 30 s by default). Default 60 000.
	 */
	leaseWaitMs?: number | undefined;
	/**
	 * Told when a case under way in a crashed run finds its thread's lease still held: by a process of this
	 * machine that has exited (`exited`: the lease is taken over at once), or by another (waited for up to
	 * `leaseWaitMs`, until `expiresAt` at most). `weft eval` says it on stderr.
	 */
	onLeaseHeld?: ((held: HeldLease) => void) | undefined;
	/**
	 * The most milliseconds one case may take (its answers included): past it, that case's run is cancelled
	 * and the case recorded as an error (`RUN_CANCELLED`, naming the limit); the next cases go on. Default: none.
	 */
	caseTimeoutMs?: number | undefined;
	/** Called as each case finishes. */
	onCase?: ((result: CaseResult) => void) | undefined;
}

/** What `evaluate` returns: every case's result in dataset order and the totals. */
export interface EvalReport {
	runId: string;
	name: string;
	cases: CaseResult[];
	summary: EvalSummary;
	/** Cases taken as they were from an earlier, interrupted attempt at this run. */
	resumed: number;
}

async function scoreRun(
	scorers: readonly Scorer[],
	run: Awaited<ReturnType<typeof runCase>>,
	c: EvalCase,
	index: number,
): Promise<CaseResult> {
	const scores = new Map<string, CaseResult["scores"][string]>();
	for (const s of scorers) {
		try {
			scores.set(s.name, toScore(s.name, await s.score(run, c)));
		} catch (error) {
			scores.set(s.name, failedScore(error));
		}
	}
	const { values: _values, ...rest } = run;
	return {
		...rest,
		index,
		scores: Object.fromEntries(scores),
		pass: run.status === "done" && [...scores.values()].every((s) => s.pass),
	};
}

/**
 * Runs `graph` on every case (each in its own thread, `<run id>:<case id>`), answers its human
 * checkpoints from the case's `answers`, scores the outcome and stores each result as it lands. Run it
 * again with the same `runId` after a crash: finished cases are kept, a case under way continues from
 * its thread's last checkpoint. Usable in vitest to fail CI on a regression.
 * @example
 * const report = await evaluate(graph, cases, [exact(), toolCalled("search")], { concurrency: 2 });
 * expect(report.summary.passRate).toBeGreaterThanOrEqual(0.9);
 */
export async function evaluate(
	graph: CompiledGraph<any, any>,
	dataset: readonly EvalCase[],
	scorers: readonly Scorer[],
	options: EvaluateOptions = {},
): Promise<EvalReport> {
	const concurrency = options.concurrency ?? 4;
	if (!Number.isInteger(concurrency) || concurrency < 1)
		throw new ConfigError(
			"CONFIG_INVALID",
			`evaluate's concurrency must be a whole number >= 1, got ${concurrency}`,
			{ hint: "cases run at most `concurrency` at once; leave it out for 4" },
		);
	checkArguments(graph, options);
	const cases = parseCases(dataset);
	checkScorers(scorers);
	const store = options.store ?? new MemoryEvalStore();
	const runId = options.runId ?? `eval-${randomUUID().slice(0, 8)}`;
	const g =
		graph.checkpointer === undefined
			? graph.withCheckpointer(new MemoryCheckpointer())
			: graph;
	checkThreadIds(runId, cases);
	const digest = casesDigest(cases);
	const prior = await store.getRun(runId);
	if (prior !== undefined) {
		checkSameScorers(prior, scorers);
		checkSameCases(prior, digest, cases, options.dataset);
	}
	const record: EvalRunRecord = prior ?? {
		id: runId,
		name: options.name ?? runId,
		scorers: scorers.map((s) => s.name),
		status: "running",
		startedAt: new Date().toISOString(),
		...(options.graphRef === undefined ? {} : { graph: options.graphRef }),
		...(options.dataset === undefined ? {} : { dataset: options.dataset }),
		...(digest === undefined ? {} : { casesDigest: digest }),
	};
	const {
		error: _error,
		finishedAt: _finishedAt,
		runner: _runner,
		...fresh
	} = record;
	// host and process, as a lease's owner starts: a list can tell a run whose process died (exitedRunner)
	await store.putRun({
		...fresh,
		status: "running",
		runner: `${hostname()}:${process.pid}`,
	});
	try {
		const report = await runAll(g, cases, scorers, {
			...options,
			runId,
			store,
		});
		await store.putRun({
			...fresh,
			status: "done",
			finishedAt: new Date().toISOString(),
			summary: report.summary,
		});
		return { runId, name: record.name, ...report };
	} catch (thrown) {
		// a cancel (the signal's abort, whatever reason it carries) is said as one, with how to go on
		const error =
			options.signal?.aborted === true && !isWeftError(thrown, "RUN_CANCELLED")
				? new WeftError(
						"RUN_CANCELLED",
						`evaluation run "${runId}" was cancelled${reasonOf(options.signal.reason)}`,
						{
							hint: `evaluate again with runId "${runId}" to resume it: its finished cases are kept`,
							cause: thrown,
						},
					)
				: thrown;
		// Never leave the run "running" when this process gave up on it; a second failure (the store's) loses to the first.
		await store
			.putRun({
				...fresh,
				status: "failed",
				finishedAt: new Date().toISOString(),
				error: {
					...(isWeftError(error) ? { code: error.code } : {}),
					message: error instanceof Error ? error.message : String(error),
				},
			})
			.catch(() => undefined);
		throw error;
	}
}

/** Runs and scores every case (finished cases of an earlier attempt kept), storing each result as it lands. */
async function runAll(
	g: CompiledGraph<any, any>,
	cases: readonly EvalCase[],
	scorers: readonly Scorer[],
	options: EvaluateOptions & { runId: string; store: EvalStore },
): Promise<Pick<EvalReport, "cases" | "summary" | "resumed">> {
	const { runId, store } = options;
	const earlier = new Map(
		(await store.listCases(runId)).map((c) => [c.caseId, c]),
	);
	const clock = options.clock ?? (() => performance.now());
	const output = options.output ?? defaultOutput;
	let resumed = 0;
	const one = async (index: number): Promise<CaseResult> => {
		options.signal?.throwIfAborted();
		const c = cases[index]!;
		const before = earlier.get(c.id);
		if (before !== undefined && before.status !== "running") {
			resumed += 1;
			return before;
		}
		const threadId = `${runId}:${c.id}`;
		const progress = (answersUsed: number): CaseResult => ({
			caseId: c.id,
			index,
			threadId,
			status: "running",
			answersUsed,
			usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
			latencyMs: 0,
			toolCalls: [],
			scores: {},
			pass: false,
		});
		if (before === undefined) await store.putCase(runId, progress(0));
		const leaseWaitMs = options.leaseWaitMs ?? 60_000;
		if (before?.status === "running")
			await freeExitedLease(
				g,
				c.id,
				{ threadId, leaseWaitMs },
				options.onLeaseHeld,
			);
		let given = c;
		let failed: CaseRun | undefined;
		if (options.input !== undefined)
			try {
				given = { ...c, input: options.input(c.input, c) };
			} catch (e) {
				// this case's error, the other cases go on (decision 0156)
				failed = inputFailed(c, threadId, before?.answersUsed ?? 0, e);
			}
		const run =
			failed ??
			(await runCase(g, given, {
				threadId,
				resumeFrom:
					before === undefined
						? undefined
						: { answersUsed: before.answersUsed },
				output,
				clock,
				signal: options.signal,
				onProgress: (n) => store.putCase(runId, progress(n)),
				leaseWaitMs,
				caseTimeoutMs: options.caseTimeoutMs,
				metadata: options.metadata,
			}));
		const result = await scoreRun(scorers, run, c, index);
		await store.putCase(runId, result);
		options.onCase?.(result);
		return result;
	};
	const results = await pool(cases.length, options.concurrency ?? 4, one);
	return { cases: results, summary: summarize(results), resumed };
}

/**
 * Runs `fn(0..n-1)` with at most `concurrency` at once; results by index. After the first failure no
 * new call starts, and it rejects with that failure once the calls under way have settled.
 */
async function pool<T>(
	n: number,
	concurrency: number,
	fn: (i: number) => Promise<T>,
): Promise<T[]> {
	const out: T[] = new Array(n);
	let next = 0;
	let failure: { error: unknown } | undefined;
	const worker = async () => {
		while (next < n && failure === undefined) {
			const i = next++;
			try {
				out[i] = await fn(i);
			} catch (error) {
				failure ??= { error };
			}
		}
	};
	await Promise.all(
		Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker),
	);
	if (failure !== undefined) throw failure.error;
	return out;
}

/** A cancel's reason as the end of a message: ": <its message>", or nothing for the signal's default. */
function reasonOf(reason: unknown): string {
	if (reason instanceof Error && reason.name !== "AbortError")
		return `: ${reason.message}`;
	return typeof reason === "string" && reason !== "" ? `: ${reason}` : "";
}
