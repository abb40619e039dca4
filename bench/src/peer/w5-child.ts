// W5 in a new process on LangGraph.js: opens the SqliteSaver file, answers the pending interrupt, prints one
// JSON line (ms to import, ms to open and resume to the end, after the imports).
const t0 = performance.now();
const [path, threadId] = process.argv.slice(2) as [string, string];
const { Command } = await import("@langchain/langgraph");
const { SqliteSaver } = await import("@langchain/langgraph-checkpoint-sqlite");
const { reviewGraph } = await import("./w5-graph.ts");
const t1 = performance.now();
const saver = SqliteSaver.fromConnString(path);
const done = await reviewGraph(saver).invoke(
	new Command({ resume: `ok-${threadId}` }),
	{ configurable: { thread_id: threadId } },
);
const t2 = performance.now();
(saver as unknown as { db: { close(): void } }).db.close();
process.stdout.write(
	`${JSON.stringify({ import_ms: t1 - t0, resume_ms: t2 - t1, result: done.result })}\n`,
);
