// W5 in a new process: opens the SQLite file, answers the thread's pending interrupt, prints one JSON line
// (ms to import, ms to open the store and resume to the end, after the imports).
//   node <same flags as the parent> w5-child.ts <db path> <thread id>
const t0 = performance.now();
const [path, threadId] = process.argv.slice(2) as [string, string];
const { Command } = await import("@weft/graph");
const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
const { reviewGraph } = await import("./w5-graph.ts");
const t1 = performance.now();
const store = new SqliteCheckpointer({ path });
const done = await reviewGraph(store).invoke(
	new Command({ resume: `ok-${threadId}` }),
	{ threadId },
);
const t2 = performance.now();
await store.close();
process.stdout.write(
	`${JSON.stringify({ import_ms: t1 - t0, resume_ms: t2 - t1, result: done.result })}\n`,
);
