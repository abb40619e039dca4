import {
	END,
	isWeftError,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { messages } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({
	plain: z.string(),
	withDefault: z.number().default(0),
	optional: z.string().optional(),
	notes: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	tally: reducer(z.number(), (a, b) => a + b),
	messages: messages(),
	nested: z.object({ id: z.string(), label: z.string().optional() }),
});

const graph = new StateGraph(State)
	.addNode("noop", () => ({}))
	.addEdge(START, "noop")
	.addEdge("noop", END)
	.compile({ checkpointer: new MemoryCheckpointer() });

const full = { plain: "p", tally: 1, nested: { id: "n" } };

describe("requiredInputKeys()", () => {
	it("lists the keys a first input must carry: no default, no reducer init, not optional", () => {
		expect(graph.requiredInputKeys()).toEqual(["plain", "tally", "nested"]);
	});

	it("is empty when every key has a default, an init or is optional", () => {
		const open = new StateGraph(
			z.object({
				a: z.string().default(""),
				b: z.string().optional(),
				c: z.unknown(),
				messages: messages(),
			}),
		)
			.addNode("noop", () => ({}))
			.addEdge(START, "noop")
			.compile();
		expect(open.requiredInputKeys()).toEqual([]);
	});

	it("agrees with the runtime: a first input that leaves out a listed key is refused, any other key may be left out", async () => {
		let n = 0;
		for (const key of graph.requiredInputKeys()) {
			const { [key]: _left, ...input } = full as Record<string, unknown>;
			const error = await graph
				.invoke(input as never, { threadId: `t${n++}` })
				.catch((e: unknown) => e);
			expect(isWeftError(error) && error.code, key).toBe("VALIDATION_FAILED");
			expect((error as Error).message, key).toContain(`"${key}"`);
		}
		// the listed keys alone are enough
		const values = await graph.invoke(full, { threadId: "enough" });
		expect(values).toMatchObject({ ...full, withDefault: 0, notes: [] });
		expect(values.messages).toEqual([]);
	});

	it("returns a copy: changing it changes nothing", () => {
		const keys = graph.requiredInputKeys() as string[];
		keys.push("withDefault");
		expect(graph.requiredInputKeys()).toEqual(["plain", "tally", "nested"]);
	});
});
