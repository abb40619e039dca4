import {
	Command,
	END,
	GraphValidationError,
	isWeftError,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
	ValidationError,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({
	topic: z.string(),
	notes: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	count: z.number().default(0),
});

// API.md "Defining a graph": sentences not covered by compile-validation, supersteps and state tests.
describe("API.md: Defining a graph", () => {
	it("runs the API.md example as written", async () => {
		const checkpointer = new MemoryCheckpointer();
		const graph = new StateGraph(State)
			.addNode("plan", (s) => ({ count: s.count + 1 }))
			.addNode("work", async (s, ctx) => ({
				notes: [`${s.topic}#${ctx.step}`],
			}))
			.addEdge(START, "plan")
			.addConditionalEdges("plan", (s) => (s.count < 3 ? "work" : END))
			.addEdge("work", "plan")
			.compile({ checkpointer });
		const values = await graph.invoke({ topic: "t" }, { threadId: "t1" });
		expect(values.count).toBe(3);
		expect(values.notes).toHaveLength(2);
	});
	it("compile() rejects a conditional edge from a never-added node", () => {
		const g = new StateGraph(State)
			.addNode("a", () => ({}))
			.addEdge(START, "a");
		(
			g as unknown as {
				addConditionalEdges(a: string, r: () => string): unknown;
			}
		).addConditionalEdges("ghost", () => "a");
		expect(() => g.compile()).toThrow(GraphValidationError);
	});
	it("a router may return an array of names; parallel updates apply by node name", async () => {
		const graph = new StateGraph(State)
			.addNode("r", () => ({}))
			.addNode("zz", async () => {
				await new Promise((r) => setTimeout(r, 5));
				return { notes: ["zz"] };
			})
			.addNode("aa", () => ({ notes: ["aa"] }))
			.addEdge(START, "r")
			.addConditionalEdges("r", () => ["zz", "aa"])
			.compile();
		expect((await graph.invoke({ topic: "t" })).notes).toEqual(["aa", "zz"]);
	});
});

describe("API.md: a node may return new Command({ update?, goto?, resume? })", () => {
	it("refuses resume from a node with a typed error, where the answer was silently dropped", async () => {
		const graph = new StateGraph(State)
			.addNode("a", () => new Command({ resume: "yes", update: { count: 1 } }))
			.addEdge(START, "a")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const error = await graph
			.invoke({ topic: "t" }, { threadId: "r" })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "INVALID_GRAPH")).toBe(true);
		expect((error as Error).message).toContain(
			'node "a" returned a Command with `resume`',
		);
		expect((await graph.getState({ threadId: "r" })).next).toEqual(["a"]);
	});
});

describe("API.md: resuming on a graph that lacks what the checkpoint needs throws GRAPH_CHANGED naming it", () => {
	it("names the subgraph whose node is missing", async () => {
		const checkpointer = new MemoryCheckpointer();
		const inner = (name: string) =>
			new StateGraph(State)
				.addNode(name, async (_s, ctx) => ({
					topic: String(await ctx.interrupt("ok?")),
				}))
				.addEdge(START, name)
				.compile();
		const outer = (name: string) =>
			new StateGraph(State)
				.addNode("review", inner(name))
				.addEdge(START, "review")
				.compile({ checkpointer });
		await outer("ask").run({ topic: "t" }, { threadId: "g" });
		const error = await outer("askAgain")
			.run(new Command({ resume: "yes" }), { threadId: "g" })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "GRAPH_CHANGED")).toBe(true);
		expect((error as Error).message).toContain('node "ask"');
		expect((error as Error).message).toContain('subgraph at "review"');
		expect(
			await outer("ask").invoke(new Command({ resume: "yes" }), {
				threadId: "g",
			}),
		).toMatchObject({ topic: "yes" });
	});
});

describe("API.md: input is validated against the schema; never a state that breaks it", () => {
	const Strict = z.object({ topic: z.string(), count: z.number().default(0) });
	const build = (checkpointer?: MemoryCheckpointer) => {
		const seen: unknown[] = [];
		const graph = new StateGraph(Strict)
			.addNode("a", (s) => {
				seen.push(s);
				return { count: s.count + 1 };
			})
			.addEdge(START, "a")
			.compile(checkpointer === undefined ? {} : { checkpointer });
		return { graph, seen };
	};

	it("refuses a first input without a required key, naming it, and runs no node", async () => {
		for (const checkpointer of [undefined, new MemoryCheckpointer()]) {
			const { graph, seen } = build(checkpointer);
			const error = await graph
				.invoke({}, { threadId: "t" })
				.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(ValidationError);
			expect(error).toMatchObject({ issues: [{ path: ["topic"] }] });
			expect((error as Error).message).toContain('"topic"');
			expect(seen).toEqual([]);
			// refused before the lease: no thread is left behind
			if (checkpointer !== undefined)
				expect(await checkpointer.listThreads()).toEqual([]);
		}
	});

	it("a run from the empty state (checkpointId: null) needs the key again", async () => {
		const { graph } = build(new MemoryCheckpointer());
		await graph.invoke({ topic: "x" }, { threadId: "t" });
		await expect(
			graph.invoke({}, { threadId: "t", checkpointId: null }),
		).rejects.toBeInstanceOf(ValidationError);
		expect((await graph.getState({ threadId: "t" })).heads).toHaveLength(1);
	});

	it("a later input may leave out a key the thread already holds", async () => {
		const { graph, seen } = build(new MemoryCheckpointer());
		await graph.invoke({ topic: "x" }, { threadId: "t" });
		expect(await graph.invoke({}, { threadId: "t" })).toEqual({
			topic: "x",
			count: 2,
		});
		expect(seen).toHaveLength(2);
	});
});

describe("API.md: updateState never makes a state that breaks the schema", () => {
	it("refuses to start a thread from an update without a required key, leaving no thread", async () => {
		const checkpointer = new MemoryCheckpointer();
		const graph = new StateGraph(
			z.object({ topic: z.string(), count: z.number().default(0) }),
		)
			.addNode("a", (s) => ({ count: s.count + 1 }))
			.addEdge(START, "a")
			.compile({ checkpointer });
		for (const asNode of [undefined, "a"] as const) {
			const error = await graph
				.updateState({ threadId: "t" }, { count: 5 }, { asNode })
				.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(ValidationError);
			expect((error as Error).message).toContain('"topic"');
		}
		expect(await checkpointer.listThreads()).toEqual([]);
		await graph.updateState({ threadId: "t" }, { topic: "x" });
		await graph.updateState({ threadId: "t" }, { count: 5 });
		expect((await graph.getState({ threadId: "t" })).values).toEqual({
			topic: "x",
			count: 5,
		});
	});
});

describe("API.md: a subgraph's state is checked as its own", () => {
	it("a subgraph that requires a key its parent does not give fails naming both", async () => {
		const inner = new StateGraph(
			z.object({ topic: z.string(), secret: z.string() }),
		)
			.addNode("inner", (s) => ({ topic: `${s.topic}:${s.secret}` }))
			.addEdge(START, "inner")
			.compile();
		const outer = new StateGraph(z.object({ topic: z.string() }))
			.addNode("sub", inner)
			.addEdge(START, "sub")
			.compile();
		const error = await outer.invoke({ topic: "t" }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as Error).message).toContain(
			'the subgraph at "sub" requires the key "secret"',
		);
	});
});
