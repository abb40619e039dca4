// A worker process for effects without a start record (the LLM layer's model, tool and retrieval calls,
// decision 0042): a loop of `n` steps, each a node that waits `delayMs`, then retrieves through
// `retrieverNode` from a retriever that journals each call (its effect). Usage:
// retrieve-worker.ts '<RetrieveJob as JSON>'; prints one JSON line (a WorkerOutcome) and exits 0.
import { END, isWeftError, START, StateGraph } from "@weft/graph";
import { documents, retrieverNode } from "@weft/graph/llm";
import { z } from "zod";
import { record } from "./journal.ts";
import { pauseAfterPut } from "./pause-points.ts";
import { openStore, type StoreLocation } from "./stores.ts";
import type { WorkerOutcome } from "./worker.ts";

export interface RetrieveJob {
	store: StoreLocation;
	threadId: string;
	action: "start" | "recover";
	journal: string;
	steps: number;
	delayMs: number;
	leaseTtlMs?: number | undefined;
	pauseAfterPut?: number;
}

const job = JSON.parse(process.argv[2]!) as RetrieveJob;
const opened = await openStore(job.store);
const cp =
	job.pauseAfterPut === undefined
		? opened
		: pauseAfterPut(opened, job.pauseAfterPut);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const State = z.object({
	i: z.number().default(0),
	n: z.number(),
	docs: documents().default([]),
});
type S = z.output<typeof State>;
const retrieve = retrieverNode<S, "docs">({
	retriever: {
		invoke: async (query) => {
			record(job.journal, "effect", query);
			return [{ pageContent: query, metadata: {} }];
		},
	},
	query: (s) => `${job.threadId}|${s.i}|fetch`,
	into: "docs",
});
const graph = new StateGraph(State)
	.addNode("fetch", async (s, ctx) => {
		record(job.journal, "enter", `${job.threadId}|${s.i}|fetch`);
		await sleep(job.delayMs);
		return { ...(await retrieve(s, ctx)), i: s.i + 1 };
	})
	.addEdge(START, "fetch")
	.addConditionalEdges("fetch", (s) => (s.i < s.n ? "fetch" : END))
	.compile({ checkpointer: cp, leaseTtlMs: job.leaseTtlMs });

process.stderr.write("ready\n");
let out: WorkerOutcome;
try {
	const result =
		job.action === "start"
			? await graph.run({ n: job.steps }, { threadId: job.threadId })
			: await graph.recover(job.threadId);
	out = { status: result.status, values: result.values };
} catch (error) {
	out = isWeftError(error)
		? { error: error.code, message: error.message }
		: { error: "UNTYPED", message: String(error) };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
await cp.close?.();
