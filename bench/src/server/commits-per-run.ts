// How many Postgres transactions a run of `weft serve` + 1 worker costs (the bench database's commits, from
// pg_stat_database, over runs.wait one after the other, minus the same time idle), and runs.wait's p50.
//   node --import tsx bench/src/server/commits-per-run.ts [--runs 30]
import { parseArgs } from "node:util";
import pg from "pg";
import { p50p99, waitLatency } from "./load.ts";
import { weftServe } from "./targets.ts";

const { values } = parseArgs({
	options: { runs: { type: "string", default: "30" } },
});
const runs = Number(values.runs);
const target = await weftServe({
	workers: 1,
	concurrency: 16,
	dbPrefix: process.env.WEFT_TEST_DB_PREFIX ?? "bench",
});
const client = new pg.Client({ connectionString: target.databaseUrl });
await client.connect();
const database = target.databaseUrl!.slice(
	target.databaseUrl!.lastIndexOf("/") + 1,
);
// statistics reach pg_stat_database about once a second per backend
const commits = async () => {
	await new Promise((r) => setTimeout(r, 1500));
	await client.query("SELECT pg_stat_clear_snapshot()");
	const { rows } = await client.query(
		"SELECT xact_commit::int AS n FROM pg_stat_database WHERE datname = $1",
		[database],
	);
	return (rows[0] as { n: number }).n;
};
try {
	await waitLatency(target.url, 5, 3);
	const idle0 = await commits();
	const t0 = performance.now();
	await new Promise((r) => setTimeout(r, 2000));
	const idle1 = await commits();
	const idleRate = (idle1 - idle0 - 1) / (performance.now() - t0);
	const c0 = await commits();
	const s0 = performance.now();
	const ms = await waitLatency(target.url, runs, 3);
	const c1 = await commits();
	const elapsed = performance.now() - s0;
	const perRun = (c1 - c0 - 1 - idleRate * elapsed) / runs;
	console.log(
		`runs.wait p50 ${p50p99(ms).p50} ms over ${runs} runs; ${perRun.toFixed(1)} commits per run (idle: ${(idleRate * 1000).toFixed(1)}/s subtracted)`,
	);
} finally {
	await client.end();
	await target.stop();
}
