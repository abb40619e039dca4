import {
	ConfigError,
	END,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
	type StreamEvent,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({
	n: z.number().default(0),
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

const graph = (checkpointer?: MemoryCheckpointer) =>
	new StateGraph(S)
		.addNode("a", (s, ctx) => {
			ctx.emit({ hello: s.n });
			return { n: s.n + 1, log: ["a"] };
		})
		.addNode("b", (s) => ({ n: s.n * 10, log: ["b"] }))
		.addEdge(START, "a")
		.addEdge("a", "b")
		.addEdge("b", END)
		.compile(checkpointer === undefined ? {} : { checkpointer });

describe("running", () => {
	it("invoke returns the final state; run returns the whole result", async () => {
		const cp = new MemoryCheckpointer();
		const g = graph(cp);
		expect(await g.invoke({ n: 1 }, { threadId: "i" })).toEqual({
			n: 20,
			log: ["a", "b"],
		});
		const result = await g.run({ n: 2 }, { threadId: "r" });
		expect(result).toMatchObject({
			status: "done",
			values: { n: 30 },
			interrupts: [],
			steps: 2,
		});
		expect(result.checkpointId).toBe(
			(await g.getState({ threadId: "r" })).checkpointId,
		);
		expect(result.usage).toMatchObject({
			inputTokens: 0,
			outputTokens: 0,
			totalTokens: 0,
		});
	});

	it("runs without a checkpointer and without a thread", async () => {
		const result = await graph().run({ n: 1 });
		expect(result).toMatchObject({ status: "done", checkpointId: undefined });
	});

	it("requires a threadId when there is a checkpointer", async () => {
		await expect(
			graph(new MemoryCheckpointer()).invoke({ n: 1 }),
		).rejects.toBeInstanceOf(ConfigError);
	});

	it("refuses LangGraph's config names, saying Weft's, rather than ignoring them", async () => {
		const cp = new MemoryCheckpointer();
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ configurable: { thread_id: "t" } }, "threadId"],
			[{ threadId: "t", configurable: { checkpoint_id: "c" } }, "checkpointId"],
			[{ threadId: "t", streamMode: "updates" }, "mode"],
			[{ threadId: "t", thread_id: "t" }, "threadId"],
			[{ threadId: "t", recursion_limit: 3 }, "recursionLimit"],
		];
		for (const [config, weft] of cases) {
			const error = await graph(cp)
				.run({ n: 1 }, config as never)
				.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(ConfigError);
			expect((error as { hint: string }).hint).toContain(weft);
		}
		const events: StreamEvent[] = [];
		const streamed = await (async () => {
			for await (const e of graph(cp).stream({ n: 1 }, {
				threadId: "s",
				streamMode: "updates",
			} as never))
				events.push(e);
		})().catch((e: unknown) => e);
		expect(streamed).toBeInstanceOf(ConfigError);
		expect(events).toEqual([]);
		expect(await cp.getThread("s")).toBeUndefined();
	});

	it("streams typed events, filtered by mode", async () => {
		const events: StreamEvent[] = [];
		for await (const e of graph(new MemoryCheckpointer()).stream(
			{ n: 1 },
			{ threadId: "s" },
		))
			events.push(e);
		const types = events.map((e) => e.type);
		expect(types).toEqual([
			"values",
			"checkpoint",
			"custom",
			"update",
			"values",
			"checkpoint",
			"update",
			"values",
			"checkpoint",
			"end",
		]);
		expect(events.find((e) => e.type === "update")).toMatchObject({
			node: "a",
			step: 1,
			data: { n: 2, log: ["a"] },
		});
		expect(events.find((e) => e.type === "custom")).toMatchObject({
			node: "a",
			data: { hello: 1 },
		});
		const updates: StreamEvent[] = [];
		for await (const e of graph().stream({ n: 1 }, { mode: "updates" }))
			updates.push(e);
		expect(updates.map((e) => e.type)).toEqual(["update", "update", "end"]);
	});

	it("streams the run lifecycle in debug mode", async () => {
		const states: string[] = [];
		for await (const e of graph().stream({ n: 1 }, { mode: "debug" }))
			if (e.type === "lifecycle") states.push(e.state);
		expect(states).toEqual([
			"planning",
			"executing",
			"committing",
			"planning",
			"executing",
			"committing",
			"planning",
			"done",
		]);
	});

	it("ends a stream with an error event and rethrows", async () => {
		const failing = new StateGraph(S)
			.addNode("boom", () => {
				throw new Error("kaput");
			})
			.addEdge(START, "boom")
			.compile();
		const seen: string[] = [];
		await expect(
			(async () => {
				for await (const e of failing.stream({})) seen.push(e.type);
			})(),
		).rejects.toMatchObject({ code: "NODE_FAILED", node: "boom" });
		expect(seen).toContain("error");
	});

	it("gives nodes the run context, thread, step and name", async () => {
		const seen: unknown[] = [];
		const g = new StateGraph(S)
			.addNode("a", (_s, ctx) => {
				seen.push([ctx.threadId, ctx.step, ctx.node, ctx.context]);
			})
			.addEdge(START, "a")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await g.invoke({}, { threadId: "ctx", context: { user: "ann" } });
		expect(seen).toEqual([["ctx", 1, "a", { user: "ann" }]]);
	});
});

describe("withCheckpointer", () => {
	it("runs the same graph on another store, leaving the original as it was", async () => {
		const plain = graph();
		const cp = new MemoryCheckpointer();
		const stored = plain.withCheckpointer(cp);
		await stored.invoke({ n: 1 }, { threadId: "w" });
		expect((await stored.getState({ threadId: "w" })).values.n).toBe(20);
		expect(plain.checkpointer).toBeUndefined();
		expect(stored.checkpointer).toBe(cp);
	});
});
