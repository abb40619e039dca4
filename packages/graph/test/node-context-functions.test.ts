import {
	Command,
	MemoryCheckpointer,
	type NodeContext,
	reducer,
	START,
	StateGraph,
	type StreamEvent,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

describe("a node context's functions", () => {
	it("work taken off the context (destructured), and are the same function at each read", async () => {
		let effects = 0;
		const seen: boolean[] = [];
		const node = async (_s: unknown, ctx: NodeContext) => {
			const read = () => [
				ctx.interrupt,
				ctx.once,
				ctx.emit,
				ctx.emitMessage,
				ctx.reportUsage,
			];
			const first = read();
			seen.push(read().every((f, i) => f === first[i]));
			const { interrupt, once, emit, reportUsage } = ctx;
			const looked = await once("lookup", () => {
				effects += 1;
				return "found";
			});
			emit({ looked });
			reportUsage({ model: "m", inputTokens: 3, outputTokens: 2 });
			const answer = await interrupt<string>({ q: "ok?" });
			return { log: [`${looked}:${answer}`] };
		};
		const graph = new StateGraph(S)
			.addNode("ask", node)
			.addEdge(START, "ask")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const events: StreamEvent[] = [];
		for await (const e of graph.stream({}, { threadId: "t" })) events.push(e);
		expect(events.find((e) => e.type === "custom")).toMatchObject({
			node: "ask",
			data: { looked: "found" },
		});
		const end = events.find((e) => e.type === "end");
		expect(end).toMatchObject({
			result: { usage: { byNode: { ask: { inputTokens: 3 } } } },
		});
		const paused = await graph.getState({ threadId: "t" });
		expect(paused.interrupts).toHaveLength(1);
		const done = await graph.run(new Command({ resume: "yes" }), {
			threadId: "t",
		});
		expect(done.status).toBe("done");
		expect(done.values.log).toEqual(["found:yes"]);
		expect(effects).toBe(1);
		expect(seen).toEqual([true, true]);
	});
});
