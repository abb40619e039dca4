// State, interrupt and custom values that JSON cannot say as they are (a bigint, a Map, a Set, a Date)
// reach the SDK in the form `weft run --json` and `weft mcp` give them, on every route and stream,
// where a bigint made every read of the thread a 500 and ended its streams without a word.
import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { END, START, StateGraph } from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { serve } from "../src/index.ts";

const typed = new StateGraph(
	z.object({
		big: z.bigint().optional(),
		tags: z.set(z.string()).optional(),
		counts: z.map(z.string(), z.bigint()).optional(),
		when: z.date().optional(),
		answer: z.string().default(""),
	}),
)
	.addNode("make", (_s, ctx) => {
		ctx.emit({ big: 7n, tags: new Set(["e"]) });
		return {
			big: 2n ** 70n,
			tags: new Set(["a", "b"]),
			counts: new Map([["x", 3n]]),
			when: new Date("2026-01-02T03:04:05.000Z"),
		};
	})
	.addNode("ask", async (_s, ctx) => ({
		answer: await ctx.interrupt<string>({ limit: 10n ** 20n }),
	}))
	.addEdge(START, "make")
	.addEdge("make", "ask")
	.addEdge("ask", END)
	.compile({ name: "typed" });

const values = {
	big: "1180591620717411303424",
	tags: ["a", "b"],
	counts: { x: "3" },
	when: "2026-01-02T03:04:05.000Z",
	answer: "",
};
const interrupt = { value: { limit: "100000000000000000000" } };

/** A node that emits a value referring to itself. */
const loop = new StateGraph(z.object({ n: z.number().default(0) }))
	.addNode("a", (s, ctx) => {
		const o: Record<string, unknown> = { x: 1 };
		o.self = o;
		ctx.emit(o);
		return { n: s.n + 1 };
	})
	.addEdge(START, "a")
	.addEdge("a", END)
	.compile({ name: "loop" });

let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
beforeAll(async () => {
	server = await serve({
		graphs: { typed, loop },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
	});
	client = new Client({ apiUrl: `http://127.0.0.1:${server.port}` });
});
afterAll(() => server.close());

describe("values JSON cannot say as they are, over HTTP", () => {
	it("sends a bigint as its decimal string, a Set as an array, a Map as an object, a Date as ISO, everywhere", async () => {
		const { thread_id: T } = await client.threads.create();
		const events: Array<[string, unknown]> = [];
		for await (const e of client.runs.stream(T, "typed", {
			input: {},
			streamMode: ["values", "updates", "custom"],
		}))
			events.push([e.event, e.data]);
		expect(events.map(([e]) => e)).not.toContain("error");
		expect(events).toContainEqual(["custom", { big: "7", tags: ["e"] }]);
		expect(events).toContainEqual([
			"updates",
			{
				make: {
					big: values.big,
					tags: values.tags,
					counts: values.counts,
					when: values.when,
				},
			},
		]);
		expect(events).toContainEqual([
			"updates",
			{ __interrupt__: [expect.objectContaining(interrupt)] },
		]);
		expect(events.at(-1)).toEqual([
			"values",
			{ ...values, __interrupt__: [expect.objectContaining(interrupt)] },
		]);

		const state = await client.threads.getState(T);
		expect(state.values).toEqual(values);
		expect(state.tasks[0]!.interrupts).toEqual([
			expect.objectContaining(interrupt),
		]);
		const thread = await client.threads.get(T);
		expect(thread.values).toEqual(values);
		expect(Object.values(thread.interrupts).flat()).toEqual([
			expect.objectContaining(interrupt),
		]);
		const [newest] = await client.threads.getHistory(T, { limit: 1 });
		expect(newest!.values).toEqual(values);
		expect((await client.threads.search({ ids: [T] }))[0]!.values).toEqual(
			values,
		);

		const [run] = await client.runs.list(T);
		expect(await client.runs.join(T, run!.run_id)).toMatchObject({
			big: values.big,
		});
		const done = await client.runs.wait(T, "typed", {
			command: { resume: "ok" },
		});
		expect(done).toEqual({ ...values, answer: "ok" });
	});

	it("fails a run that emits a value referring to itself with SERIALIZATION_FAILED, saying so", async () => {
		const { thread_id: T } = await client.threads.create();
		const events: Array<[string, unknown]> = [];
		for await (const e of client.runs.stream(T, "loop", {
			input: {},
			streamMode: ["values", "custom"],
		}))
			events.push([e.event, e.data]);
		expect(events.at(-1)).toEqual([
			"error",
			{
				error: "SERIALIZATION_FAILED",
				message: expect.stringContaining("refers to itself"),
				hint: expect.any(String),
			},
		]);
	});
});
