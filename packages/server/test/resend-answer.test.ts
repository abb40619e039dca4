// A client that sends the same answer again after the run that recorded it stopped before the step's
// commit (its node failed, it was cancelled) gets a run that goes on with that answer, as the runtime
// does (decision 0178); a different answer is still refused before a run is made.
import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { END, START, StateGraph } from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { serve } from "../src/index.ts";

/** Fails once right after its question is answered (a flaky call after the human's answer). */
let failures = 0;
const flaky = new StateGraph(
	z.object({ request: z.string(), approval: z.string().optional() }),
)
	.addNode("review", async (_s, ctx) => {
		const approval = await ctx.interrupt<string>({ question: "approve?" });
		if (failures-- > 0) throw new Error("the mail server did not answer");
		return { approval };
	})
	.addEdge(START, "review")
	.addEdge("review", END)
	.compile();

let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
beforeAll(async () => {
	server = await serve({
		graphs: { flaky },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
	});
	client = new Client({
		apiUrl: `http://127.0.0.1:${server.port}`,
		callerOptions: { maxRetries: 0 },
	});
});
afterAll(() => server.close());

async function answeredThenFailed(): Promise<string> {
	const thread = await client.threads.create();
	await client.runs.wait(thread.thread_id, "flaky", {
		input: { request: "r" },
	});
	failures = 1;
	const failed = await client.runs.create(thread.thread_id, "flaky", {
		command: { resume: "yes" },
	});
	await client.runs.join(thread.thread_id, failed.run_id).catch(() => {});
	expect((await client.runs.get(thread.thread_id, failed.run_id)).status).toBe(
		"error",
	);
	// nothing waits any more: the answer is recorded, the step not committed
	expect(
		(await client.threads.getState(thread.thread_id)).tasks.flatMap(
			(t) => t.interrupts,
		),
	).toEqual([]);
	return thread.thread_id;
}

describe("the same answer sent again through the server (decision 0178)", () => {
	it("goes on with it when its run failed after recording it", async () => {
		const threadId = await answeredThenFailed();
		const out = await client.runs.wait(threadId, "flaky", {
			command: { resume: "yes" },
		});
		expect(out).toEqual({ request: "r", approval: "yes" });
		expect((await client.threads.get(threadId)).status).toBe("idle");
	});

	it("refuses a different answer before a run is made (409, the hint names both ways on)", async () => {
		const threadId = await answeredThenFailed();
		const before = (await client.runs.list(threadId)).length;
		const refused = await client.runs
			.wait(threadId, "flaky", { command: { resume: "no" } })
			.then(
				() => undefined,
				(e: unknown) => e as { status?: number; message: string },
			);
		expect(refused?.status).toBe(409);
		expect(refused?.message).toContain("NO_PENDING_INTERRUPT");
		expect((await client.runs.list(threadId)).length).toBe(before);
		// the recorded answer still goes on
		expect(
			await client.runs.wait(threadId, "flaky", { command: { resume: "yes" } }),
		).toEqual({ request: "r", approval: "yes" });
	});
});
