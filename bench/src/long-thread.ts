// Reads of a long thread (decision 0139): a thread of ≈ 10,100 checkpoints (100 runs of W1's 100-node
// chain) on a SQLite file and on Postgres, then getThread, heads() of the root, listThreads and
// graph.getState, in ms per call (median of rounds, wall time). Not part of `pnpm bench`; see
// docs/benchmarks.md ("Round 2", long threads). Run it from a checkout to compare two versions.
//   node --expose-gc --import tsx bench/src/long-thread.ts [runs=100] [rounds=7] [perRound=20]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import pg from "pg";
import { inFreshDatabase } from "./pg-commit.ts";
import { median } from "./stats.ts";
import { chainGraph } from "./weft/chain.ts";

const [runs = 100, rounds = 7, perRound = 20] = process.argv
	.slice(2)
	.map(Number);
const NODES = 100;
const thread = { threadId: "long" };

/** Median ms of one call, over `rounds` rounds of `perRound` calls (after one round of warm-up). */
async function ms(fn: () => Promise<unknown>): Promise<number> {
	const out: number[] = [];
	for (let r = -1; r < rounds; r++) {
		const t0 = performance.now();
		for (let i = 0; i < perRound; i++) await fn();
		if (r >= 0) out.push((performance.now() - t0) / perRound);
	}
	return median(out);
}

async function measure(
	name: string,
	store: Checkpointer,
	settle: () => Promise<void> = async () => {},
): Promise<void> {
	const graph = chainGraph(NODES, store);
	const t0 = performance.now();
	for (let i = 0; i < runs; i++)
		await graph.invoke({ count: 0 }, { ...thread, recursionLimit: NODES + 10 });
	const fillS = (performance.now() - t0) / 1000;
	// a few short threads beside it, as a store listing would see
	for (let i = 0; i < 5; i++)
		await graph.invoke(
			{ count: 0 },
			{ threadId: `short-${i}`, recursionLimit: NODES + 10 },
		);
	await settle();
	const info = await store.getThread(thread.threadId);
	const figures = {
		getThread: await ms(() => store.getThread(thread.threadId)),
		heads: await ms(() => store.heads(thread)),
		listThreads: await ms(() => store.listThreads()),
		getState: await ms(() => graph.getState(thread)),
	};
	console.log(
		`${name}: ${info?.checkpoints} root checkpoints, heads ${info?.heads.length} (filled in ${fillS.toFixed(1)} s)`,
	);
	for (const [k, v] of Object.entries(figures))
		console.log(`  ${k.padEnd(12)} ${v.toFixed(3)} ms`);
}

const dir = mkdtempSync(join(tmpdir(), "weft-long-"));
try {
	const sqlite = new SqliteCheckpointer({ path: join(dir, "long.db") });
	await measure("sqlite file", sqlite);
	await sqlite.close();
} finally {
	rmSync(dir, { recursive: true, force: true });
}
const onPostgres = await inFreshDatabase(async (connectionString) => {
	const store = await PostgresCheckpointer.connect({ connectionString });
	try {
		// the table was filled within the last minute: give the planner the statistics autovacuum would
		// have gathered by then (without them, both versions' plans walk the whole thread per row)
		await measure("postgres", store, async () => {
			const client = new pg.Client({ connectionString });
			await client.connect();
			await client.query("ANALYZE weft.checkpoints, weft.threads");
			await client.end();
		});
	} finally {
		await store.close();
	}
});
if (
	onPostgres !== undefined &&
	typeof onPostgres === "object" &&
	"skipped" in onPostgres
)
	console.log(`postgres: ${onPostgres.skipped}`);
