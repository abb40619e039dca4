// W1 on Weft: per-step overhead of a 100-node chain, without a store and with MemoryCheckpointer.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Checkpointer, MemoryCheckpointer } from "@weft/checkpoint";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { check, compiledStepUs, gc, now } from "../measure.ts";
import { commitFloor, inFreshDatabase } from "../pg-commit.ts";
import { postgresPutFloorUs, sqlitePutFloorUs } from "../put-floor.ts";
import type { Sizes } from "../sizes.ts";
import { growth, median, round } from "../stats.ts";
import { WEFT_PAGE_SIZE, walCommitUs } from "../wal-commit.ts";
import { chainGraph } from "./chain.ts";
import { checkpointSizes } from "./stored-sizes.ts";

function build(nodes: number, checkpointer?: Checkpointer) {
	const t0 = now();
	const graph = chainGraph(nodes, checkpointer);
	return { graph, compileMs: now() - t0 };
}

export async function w1(p: Sizes["w1"]) {
	const limit = { recursionLimit: p.nodes + 10 };
	const plain = build(p.nodes);
	for (let i = 0; i < p.plainWarmup; i++) {
		const out = await plain.graph.invoke({ count: 0 }, limit);
		check(out.count === p.nodes, `count ${out.count}`);
	}
	gc();
	let t0 = now();
	let wrong = 0;
	for (let i = 0; i < p.plain; i++)
		if ((await plain.graph.invoke({ count: 0 }, limit)).count !== p.nodes)
			wrong++;
	const plainUs = ((now() - t0) * 1000) / (p.plain * p.nodes);
	check(wrong === 0, `${wrong} runs without a store ended with a wrong count`);

	const store = new MemoryCheckpointer();
	const saved = build(p.nodes, store).graph;
	for (let i = 0; i < p.savedWarmup; i++) {
		const out = await saved.invoke(
			{ count: 0 },
			{ ...limit, threadId: `warm-${i}` },
		);
		check(out.count === p.nodes, `count ${out.count}`);
	}
	const one = `warm-${p.savedWarmup - 1}`;
	const sizes = await checkpointSizes(store, one);
	const bytesPerRun = store.storedBytes(one);
	gc();
	t0 = now();
	for (let i = 0; i < p.saved; i++)
		if (
			(await saved.invoke({ count: 0 }, { ...limit, threadId: `t-${i}` }))
				.count !== p.nodes
		)
			wrong++;
	const savedUs = ((now() - t0) * 1000) / (p.saved * p.nodes);
	check(wrong === 0, `${wrong} runs with a store ended with a wrong count`);
	const last = await saved.getState({ threadId: `t-${p.saved - 1}` });
	check(last.values.count === p.nodes, "the stored state reads back");

	const durable = {
		...(p.sqlite > 0 ? { sqlite: await sqlite(p) } : {}),
		...(p.postgres > 0 ? { postgres: await inFreshDatabase(postgres(p)) } : {}),
	};
	// the chain without a store again after `plainCompiledWarmup` more runs, last (so that no other section
	// runs on code compiled by them): what it costs once the optimizing compiler is done (row W1a-c)
	const compiledUs = await compiledStepUs(
		p,
		async () => (await plain.graph.invoke({ count: 0 }, limit)).count,
	);
	return {
		us_per_step_no_store: round(plainUs, 2),
		...(compiledUs === undefined
			? {}
			: { us_per_step_no_store_compiled: round(compiledUs, 2) }),
		us_per_step_memory: round(savedUs, 2),
		memory_over_no_store: round(savedUs / plainUs, 2),
		checkpoint_bytes_per_run: bytesPerRun,
		checkpoints_per_run: sizes.length,
		growth: growth(sizes),
		compile_ms: round(plain.compileMs, 2),
		...durable,
	};
}

/** W1d: the chain on a SQLite file (every checkpoint committed), next to one WAL commit measured here. */
async function sqlite(p: Sizes["w1"]) {
	const dir = mkdtempSync(join(tmpdir(), "weft-w1-"));
	try {
		const store = new SqliteCheckpointer({ path: join(dir, "w1.db") });
		const graph = build(p.nodes, store).graph;
		const limit = { recursionLimit: p.nodes + 10 };
		for (let i = 0; i < p.durableWarmup; i++) {
			const out = await graph.invoke(
				{ count: 0 },
				{ ...limit, threadId: `warm-${i}` },
			);
			check(out.count === p.nodes, `count ${out.count}`);
		}
		gc();
		const t0 = now();
		let wrong = 0;
		for (let i = 0; i < p.sqlite; i++)
			if (
				(await graph.invoke({ count: 0 }, { ...limit, threadId: `s-${i}` }))
					.count !== p.nodes
			)
				wrong++;
		const us = ((now() - t0) * 1000) / (p.sqlite * p.nodes);
		check(wrong === 0, `${wrong} runs on SQLite ended with a wrong count`);
		const last = await graph.getState({ threadId: `s-${p.sqlite - 1}` });
		check(last.values.count === p.nodes, "the SQLite state reads back");
		await store.close();
		const wal = walCommitUs();
		const walWeftPages = walCommitUs(1000, 5, WEFT_PAGE_SIZE);
		const bare = sqlitePutFloorUs(join(dir, "w1.db"), "s-0");
		return {
			us_per_step: round(us, 2),
			wal_commit_us: wal,
			over_wal_commit: round(us / wal, 2),
			// the same commit on a file with the page size of Weft's files (W1d-f2, W1d-x2)
			wal_commit_weft_pages_us: walWeftPages,
			over_wal_commit_weft_pages: round(us / walWeftPages, 2),
			// the put's own statements replayed bare on the same file: the schema's floor (W1d-s)
			bare_put_us: round(bare, 2),
			bare_put_over_wal_commit: round(bare / wal, 2),
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * W1p: the chain on Postgres in a fresh database (every checkpoint committed), each run followed by a batch
 * of round-trip commits on one connection (W1p-f): the medians of both, and their quotient.
 */
const postgres = (p: Sizes["w1"]) => async (connectionString: string) => {
	const store = await PostgresCheckpointer.connect({ connectionString });
	const floor = await commitFloor(connectionString);
	try {
		const graph = build(p.nodes, store).graph;
		const limit = { recursionLimit: p.nodes + 10 };
		for (let i = 0; i < p.durableWarmup; i++) {
			const out = await graph.invoke(
				{ count: 0 },
				{ ...limit, threadId: `warm-${i}` },
			);
			check(out.count === p.nodes, `count ${out.count}`);
		}
		const steps: number[] = [];
		const commits: number[] = [];
		let wrong = 0;
		for (let i = 0; i < p.postgres; i++) {
			gc();
			const t0 = now();
			const run = await graph.invoke(
				{ count: 0 },
				{ ...limit, threadId: `p-${i}` },
			);
			steps.push(((now() - t0) * 1000) / p.nodes);
			if (run.count !== p.nodes) wrong++;
			commits.push(await floor.batch(p.postgresCommits));
		}
		check(wrong === 0, `${wrong} runs on Postgres ended with a wrong count`);
		const last = await graph.getState({ threadId: `p-${p.postgres - 1}` });
		check(last.values.count === p.nodes, "the Postgres state reads back");
		const us = median(steps);
		const commit = median(commits);
		const bare = await postgresPutFloorUs(connectionString, "p-0");
		return {
			us_per_step: round(us, 2),
			round_trip_commit_us: round(commit, 2),
			over_round_trip_commit: round(us / commit, 2),
			// put_checkpoint called bare on one connection: the schema's floor (W1p-s)
			bare_put_us: round(bare, 2),
			bare_put_over_round_trip_commit: round(bare / commit, 2),
		};
	} finally {
		await floor.close();
		await store.close();
	}
};
