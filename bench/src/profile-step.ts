// Profiles only the measured part of W1 (after warm-up) with the inspector, from dist: where a step's time goes.
//   node --expose-gc --import tsx bench/src/profile-step.ts [memory|plain|sqlite|postgres] [runs=300]
// postgres: WEFT_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/test), in a schema of its own
import { mkdtempSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { printProfile } from "./profile-summary.ts";
import { chainGraph } from "./weft/chain.ts";

const NODES = 100;
const mode = process.argv[2] ?? "memory";
const store =
	mode === "plain"
		? undefined
		: mode === "sqlite"
			? new SqliteCheckpointer({
					path: join(mkdtempSync(join(tmpdir(), "profile-step-")), "w1.db"),
				})
			: mode === "postgres"
				? await PostgresCheckpointer.connect({
						connectionString:
							process.env.WEFT_BENCH_POSTGRES ??
							"postgres://postgres@127.0.0.1:5432/test",
						schema: `profile_step_${process.pid}`,
					})
				: new MemoryCheckpointer();
const graph = chainGraph(NODES, store);
let n = 0;
const once = () =>
	graph.invoke(
		{ count: 0 },
		store
			? { recursionLimit: 200, threadId: `t${n++}` }
			: { recursionLimit: 200 },
	);
for (let i = 0; i < (mode === "sqlite" || mode === "postgres" ? 20 : 200); i++)
	await once();
const s = new Session();
s.connect();
await s.post("Profiler.enable");
await s.post("Profiler.setSamplingInterval", { interval: 50 });
await s.post("Profiler.start");
const c0 = process.cpuUsage();
const t0 = performance.now();
const runs = Number(process.argv[3] ?? 300);
for (let i = 0; i < runs; i++) await once();
const dc = process.cpuUsage(c0);
const wall = performance.now() - t0;
const { profile } = await s.post("Profiler.stop");
console.log(
	`wall ${((wall * 1000) / runs / NODES).toFixed(2)} µs/step, cpu ${((dc.user + dc.system) / runs / NODES).toFixed(2)} µs/step`,
);
printProfile(profile);
if (store instanceof PostgresCheckpointer) {
	await store.close();
	const pg = (await import("pg")).default;
	const client = new pg.Client({
		connectionString:
			process.env.WEFT_BENCH_POSTGRES ??
			"postgres://postgres@127.0.0.1:5432/test",
	});
	await client.connect();
	await client.query(`DROP SCHEMA profile_step_${process.pid} CASCADE`);
	await client.end();
} else if (store instanceof SqliteCheckpointer) store.close();
