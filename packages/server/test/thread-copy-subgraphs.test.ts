import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { END, START, StateGraph } from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { ReviewState, reviewInside } from "./fixtures/graphs.ts";

/** `reviewInside` as the node `outer`: the question is asked two subgraphs down (`outer:inner`). */
const reviewDeep = new StateGraph(ReviewState)
	.addNode("outer", reviewInside)
	.addEdge(START, "outer")
	.addEdge("outer", END)
	.compile({ name: "reviewDeep" });

/** Three subgraphs down (`top:outer:inner`), deeper than the graph's description reaches. */
const reviewDeeper = new StateGraph(ReviewState)
	.addNode("top", reviewDeep)
	.addEdge(START, "top")
	.addEdge("top", END)
	.compile({ name: "reviewDeeper" });

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
let checkpointer: SqliteCheckpointer;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-copy-sub-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	server = await serve({
		graphs: { reviewInside, reviewDeep, reviewDeeper },
		checkpointer,
		port: 0,
	});
	client = new Client({
		apiUrl: `http://127.0.0.1:${server.port}`,
		callerOptions: { maxRetries: 0 },
	});
});
afterAll(async () => {
	await server.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

describe("threads.copy of a thread paused inside a subgraph", () => {
	for (const graph of ["reviewInside", "reviewDeep", "reviewDeeper"]) {
		it(`${graph}: the copy resumes, and the source is untouched`, async () => {
			const source = await client.threads.create();
			const paused = (await client.runs.wait(source.thread_id, graph, {
				input: { topic: "tea" },
			})) as any;
			expect(paused.__interrupt__[0].value).toEqual({ question: "approve?" });
			const copy = await client.threads.copy(source.thread_id);
			expect(copy.status).toBe("interrupted");
			const done = (await client.runs.wait(copy.thread_id, graph, {
				command: { resume: "yes" },
			})) as any;
			expect(done).toMatchObject({
				approved: true,
				notes: ["plan tea", "review yes"],
			});
			expect((await client.threads.get(copy.thread_id)).status).toBe("idle");
			// the source still waits for its own answer, and takes another one
			expect((await client.threads.get(source.thread_id)).status).toBe(
				"interrupted",
			);
			const other = (await client.runs.wait(source.thread_id, graph, {
				command: { resume: "no" },
			})) as any;
			expect(other).toMatchObject({
				approved: false,
				notes: ["plan tea", "review no"],
			});
		});
	}
});

describe("threads.copy names the copy in its checkpoints", () => {
	it("metadata.thread_id of every copied checkpoint (the root's and a subgraph's) is the copy's id, as LangGraph's server writes it", async () => {
		// found by a helper (7 Dec): the copy's state and history said metadata.thread_id = the source's id
		const source = await client.threads.create();
		await client.runs.wait(source.thread_id, "reviewInside", {
			input: { topic: "tea" },
		});
		const copy = await client.threads.copy(source.thread_id);
		expect((await client.threads.getState(copy.thread_id)).metadata).toEqual(
			expect.objectContaining({ thread_id: copy.thread_id }),
		);
		const history = await client.threads.getHistory(copy.thread_id);
		expect(history.length).toBeGreaterThan(0);
		expect(history.map((s) => s.metadata?.thread_id)).toEqual(
			history.map(() => copy.thread_id),
		);
		const inner: unknown[] = [];
		for await (const s of checkpointer.list({
			threadId: copy.thread_id,
			ns: "inner",
		}))
			inner.push(s.metadata.thread_id);
		expect(inner.length).toBeGreaterThan(0);
		expect(inner).toEqual(inner.map(() => copy.thread_id));
		// the source's are its own still
		expect(
			(await client.threads.getHistory(source.thread_id)).map(
				(s) => s.metadata?.thread_id,
			),
		).toEqual(history.map(() => source.thread_id));
	});
});
