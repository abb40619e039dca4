// A Send's payload is the input of the node it targets. To a subgraph, that input is checked against the
// subgraph's state schema where the Send is made: a bad payload fails the sending step with a
// ValidationError naming both nodes and the path, and no checkpoint is written with a task that could
// never run (it was written, and the thread failed at every resume).

import {
	END,
	isWeftError,
	reducer,
	Send,
	START,
	StateGraph,
	type ValidationError,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { testStores } from "./threads/test-stores.ts";

const out = () =>
	reducer(
		z.array(z.number()),
		(a, b) => [...a, ...b],
		() => [],
	);
const Sub = z.object({ item: z.number(), out: out() });
const S = z.object({ items: z.array(z.unknown()), out: out() });

const sub = new StateGraph(Sub)
	.addNode("double", (s) => ({ out: [s.item * 2] }))
	.addEdge(START, "double")
	.addEdge("double", END)
	.compile();

const stores = await testStores();

describe.each(Object.keys(stores))(
	"a Send's payload to a subgraph (%s)",
	(name) => {
		it("is checked where it is sent: VALIDATION_FAILED naming both nodes and the path; fixed, the thread goes on", async () => {
			const cp = await stores[name]!();
			const wrap = { bad: true };
			const graph = new StateGraph(S)
				.addNode("fan", () => ({}))
				.addNode("work", sub)
				.addEdge(START, "fan")
				.addConditionalEdges("fan", (s) =>
					s.items.map((i) => new Send("work", { item: wrap.bad ? `${i}` : i })),
				)
				.addEdge("work", END)
				.compile({ checkpointer: cp });
			const error = (await graph
				.invoke({ items: [1, 2] }, { threadId: "t" })
				.catch((e: unknown) => e)) as ValidationError;
			expect(isWeftError(error, "VALIDATION_FAILED")).toBe(true);
			expect(error.message).toContain('"fan"');
			expect(error.message).toContain('"work"');
			expect(error.message).toContain('"item"');
			expect(error.issues[0]?.path).toEqual(["item"]);
			expect(error.hint).toBeDefined();
			// the sending step is what is due: no checkpoint holds the bad Send tasks
			const state = await graph.getState({ threadId: "t" });
			expect(state.next).toEqual(["fan"]);
			expect(state.values.out).toEqual([]);
			wrap.bad = false;
			expect(await graph.invoke(null, { threadId: "t" })).toEqual({
				items: [1, 2],
				out: [2, 4],
			});
		});

		it("from a Command's goto is checked the same", async () => {
			const cp = await stores[name]!();
			const { Command } = await import("@weft/graph");
			const graph = new StateGraph(S)
				.addNode(
					"fan",
					() => new Command({ goto: [new Send("work", { item: [] })] }),
					{
						ends: ["work"],
					},
				)
				.addNode("work", sub)
				.addEdge(START, "fan")
				.addEdge("work", END)
				.compile({ checkpointer: cp });
			const error = (await graph
				.invoke({ items: [] }, { threadId: "t" })
				.catch((e: unknown) => e)) as ValidationError;
			expect(isWeftError(error, "VALIDATION_FAILED")).toBe(true);
			expect(error.message).toContain('"fan"');
			expect(error.message).toContain('"work"');
			expect((await graph.getState({ threadId: "t" })).next).toEqual(["fan"]);
		});
	},
);
