// Usage is kept by model and node name; a name is data, whatever it spells. A model named `__proto__` (a
// provider's or a node's report) once set the prototype of the run's totals, and so added token counts to
// every object of the process.
import { MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({ n: z.number().default(0) });

describe("usage by name", () => {
	it.each(["__proto__", "constructor", "toString", "hasOwnProperty"])(
		"a model named %s is counted under its name, and changes no other object",
		async (model) => {
			const graph = new StateGraph(S)
				.addNode("call", (s, ctx) => {
					ctx.reportUsage({ model, inputTokens: 3, outputTokens: 2 });
					ctx.reportUsage({ model, inputTokens: 1, outputTokens: 1 });
					return { n: s.n + 1 };
				})
				.addEdge(START, "call")
				.compile({ checkpointer: new MemoryCheckpointer() });
			try {
				const result = await graph.run({}, { threadId: "t" });
				const byModel = result.usage.byModel;
				expect(Object.getPrototypeOf(byModel)).toBe(Object.prototype);
				expect(Object.hasOwn(byModel, model)).toBe(true);
				expect(byModel[model]).toMatchObject({
					inputTokens: 4,
					outputTokens: 3,
					calls: 2,
				});
				const stored = await graph.getUsage({ threadId: "t" });
				expect(Object.hasOwn(stored.byModel, model)).toBe(true);
				expect(stored.byModel[model]).toMatchObject({
					inputTokens: 4,
					calls: 2,
				});
				expect(stored.calls).toBe(2);
			} finally {
				// nothing leaked into every object (cleaned up before the check, for the next case)
				const leaked = ({} as Record<string, unknown>).inputTokens;
				for (const key of [
					"inputTokens",
					"outputTokens",
					"totalTokens",
					"cachedTokens",
					"calls",
				]) {
					delete (Object.prototype as Record<string, unknown>)[key];
					delete (Object as unknown as Record<string, unknown>)[key];
				}
				expect(leaked).toBeUndefined();
			}
		},
	);
});
