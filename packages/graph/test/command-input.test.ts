// A Command given as run input: `resume` answers interrupts, `update` changes the state first (as
// LangGraph's Command(update) does, and as the server's `command: { update }` asks).
import {
	Command,
	END,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({
	topic: z.string(),
	n: z.number().default(0),
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

function reviewGraph(sent: string[]) {
	return new StateGraph(S)
		.addNode("review", async (s, ctx) => {
			await ctx.once("mail", () => {
				sent.push(s.topic);
				return sent.length;
			});
			const ok = await ctx.interrupt<string>({ topic: s.topic });
			return { log: [`${s.topic}:${ok}`] };
		})
		.addEdge(START, "review")
		.addEdge("review", END)
		.compile({ checkpointer: new MemoryCheckpointer() });
}

describe("a Command as run input", () => {
	it("with update and resume: the paused node runs on the updated state, its effects not repeated", async () => {
		const sent: string[] = [];
		const graph = reviewGraph(sent);
		const paused = await graph.run({ topic: "q" }, { threadId: "t" });
		expect(paused.status).toBe("interrupted");
		const pausedAt = paused.checkpointId!;

		const done = await graph.run(
			new Command({ resume: "yes", update: { topic: "changed" } }),
			{ threadId: "t" },
		);
		expect(done.status).toBe("done");
		expect(done.values).toMatchObject({
			topic: "changed",
			log: ["changed:yes"],
		});
		expect(sent).toEqual(["q"]); // the once result recorded before the pause was reused

		// the update is a checkpoint of its own; the paused one keeps its records
		const sources = [];
		for await (const s of graph.getStateHistory({ threadId: "t" }))
			sources.push(s.source);
		expect(sources).toEqual(["loop", "update", "input"]);
		const before = await graph.getState({
			threadId: "t",
			checkpointId: pausedAt,
		});
		expect(before.values.topic).toBe("q");
		expect(before.interrupts).toHaveLength(1);
	});

	it("with update alone: the run goes on from a pause before a node, on the updated state", async () => {
		const graph = new StateGraph(S)
			.addNode("a", (s) => ({ n: s.n + 1 }))
			.addNode("b", (s) => ({ n: s.n + 10, log: [`b saw ${s.n}`] }))
			.addEdge(START, "a")
			.addEdge("a", "b")
			.compile({
				checkpointer: new MemoryCheckpointer(),
				interruptBefore: ["b"],
			});
		expect((await graph.run({ topic: "x" }, { threadId: "t" })).status).toBe(
			"interrupted",
		);
		const out = await graph.invoke(new Command({ update: { n: 500 } }), {
			threadId: "t",
		});
		expect(out).toMatchObject({ n: 510, log: ["b saw 500"] });
	});

	it("with update alone on a pending interrupt: the node asks again, on the updated state", async () => {
		const sent: string[] = [];
		const graph = reviewGraph(sent);
		await graph.run({ topic: "q" }, { threadId: "t" });
		const again = await graph.run(new Command({ update: { topic: "r" } }), {
			threadId: "t",
		});
		expect(again.status).toBe("interrupted");
		expect(again.interrupts.map((i) => i.value)).toEqual([{ topic: "r" }]);
		expect(sent).toEqual(["q"]);
		const done = await graph.run(new Command({ resume: "ok" }), {
			threadId: "t",
		});
		expect(done.values.log).toEqual(["r:ok"]);
	});

	it("refuses a bad update before writing anything, and goto as input", async () => {
		const graph = reviewGraph([]);
		await graph.run({ topic: "q" }, { threadId: "t" });
		const count = async () => {
			let n = 0;
			for await (const _ of graph.getStateHistory({ threadId: "t" })) n++;
			return n;
		};
		const before = await count();
		await expect(
			graph.run(new Command({ resume: "y", update: { n: "many" } }), {
				threadId: "t",
			}),
		).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
		await expect(
			graph.run(new Command({ goto: "review" }), { threadId: "t" }),
		).rejects.toMatchObject({ code: "CONFIG_INVALID" });
		await expect(
			graph.run(new Command({}), { threadId: "t" }),
		).rejects.toMatchObject({ code: "CONFIG_INVALID" });
		expect(await count()).toBe(before);
		// still paused, and answerable
		const done = await graph.run(new Command({ resume: "y" }), {
			threadId: "t",
		});
		expect(done.values.log).toEqual(["q:y"]);
	});
});
