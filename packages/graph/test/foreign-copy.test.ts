// A Command or Send made by another copy of @weft/graph: a CLI installed on its own (`npm i -g`) or a
// server loads a project whose node_modules holds its own copy, and hands the project's graph a
// `new Command({ resume })` of the CLI's copy. Found from outside: `weft approve` failed with
// VALIDATION_FAILED "Unrecognized keys: update, goto, resume, hasResume" (the Command read as state).
// The other copy here is the package's build (dist), which the test setup brings up to date.
import {
	Command,
	END,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

// the build, by a path the type check does not follow (a fresh clone is type-checked before it is built)
const build = new URL("../dist/index.js", import.meta.url).href;
const other = (await import(build)) as typeof import("../src/index.ts");

describe("a Command or Send of another copy of the package", () => {
	it("the copies are two (the test's premise)", () => {
		expect(other.Command).not.toBe(Command);
	});

	it("a resume made by the other copy answers the interrupt", async () => {
		const graph = new StateGraph(
			z.object({ n: z.number(), ok: z.string().optional() }),
		)
			.addNode("ask", async (_s, ctx) => ({
				ok: await ctx.interrupt<string>({ q: "ok?" }),
			}))
			.addEdge(START, "ask")
			.addEdge("ask", END)
			.compile({ checkpointer: new MemoryCheckpointer() });
		await graph.invoke({ n: 1 }, { threadId: "t" });
		const out = await graph.invoke(new other.Command({ resume: "yes" }), {
			threadId: "t",
		});
		expect(out.ok).toBe("yes");
	});

	it("a node returning the other copy's Command routes by its goto", async () => {
		const graph = new StateGraph(
			z.object({ n: z.number(), path: z.string().default("") }),
			{ nodes: ["start", "left", "right"] },
		)
			.addNode(
				"start",
				() => new other.Command({ update: { n: 2 }, goto: "right" }),
				{ ends: ["left", "right"] },
			)
			.addNode("left", () => ({ path: "left" }))
			.addNode("right", () => ({ path: "right" }))
			.addEdge(START, "start")
			.addEdge("left", END)
			.addEdge("right", END)
			.compile();
		expect(await graph.invoke({ n: 1 })).toEqual({ n: 2, path: "right" });
	});

	it("a router returning the other copy's Send runs its node with its input", async () => {
		const graph = new StateGraph(
			z.object({
				got: z.array(z.number()).default([]),
			}),
			{ nodes: ["fan", "worker"] },
		)
			.addNode("fan", () => ({}))
			.addNode("worker", (input: { i: number }) => ({ got: [input.i] }))
			.addEdge(START, "fan")
			.addConditionalEdges("fan", () => [new other.Send("worker", { i: 7 })])
			.addEdge("worker", END)
			.compile();
		expect(await graph.invoke({})).toEqual({ got: [7] });
	});
});
