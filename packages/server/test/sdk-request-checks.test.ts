import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { END, START, StateGraph } from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { serve } from "../src/index.ts";
import { abc } from "./fixtures/audit-graphs.ts";
import { review, slow } from "./fixtures/graphs.ts";

/** Two nodes that ask at once: two pending interrupts. */
const two = new StateGraph(
	z.object({ a: z.string().default(""), b: z.string().default("") }),
)
	.addNode("askA", async (_s, ctx) => ({
		a: await ctx.interrupt<string>("a?"),
	}))
	.addNode("askB", async (_s, ctx) => ({
		b: await ctx.interrupt<string>("b?"),
	}))
	.addEdge(START, "askA")
	.addEdge(START, "askB")
	.addEdge("askA", END)
	.addEdge("askB", END)
	.compile({ name: "two" });

let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
beforeAll(async () => {
	server = await serve({
		graphs: { abc, review, slow, two },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
	});
	client = new Client({ apiUrl: `http://127.0.0.1:${server.port}` });
});
afterAll(() => server.close());

describe("the SDK's requests answered as LangGraph's server does (audit of 1 Dec)", () => {
	it("threads.getHistory from a checkpoint lists it and its ancestors, not newer ones", async () => {
		const { thread_id: T } = await client.threads.create();
		await client.runs.wait(T, "abc", { input: { n: 1 } });
		const all = await client.threads.getHistory(T, { limit: 50 });
		const at = all.find((s) => s.metadata?.step === 1)!;
		const from = await client.threads.getHistory(T, {
			checkpoint: { checkpoint_id: at.checkpoint.checkpoint_id! },
			limit: 50,
		});
		expect(all.map((s) => s.metadata?.step)).toEqual([3, 2, 1, 0]);
		expect(from.map((s) => s.metadata?.step)).toEqual([1, 0]);
		expect(from[0]!.checkpoint.checkpoint_id).toBe(at.checkpoint.checkpoint_id);
		await expect(
			client.threads.getHistory(T, {
				checkpoint: { checkpoint_id: "1f0a0000-0000-6000-8000-000000000000" },
			}),
		).rejects.toMatchObject({ status: 404 });
	});
});
