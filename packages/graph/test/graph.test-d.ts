import {
	Command,
	END,
	emptyUsage,
	human,
	type InferNodeName,
	type InferState,
	type InferUpdate,
	type NodeContext,
	type RunConfig,
	type RunResult,
	type RunUsage,
	reducer,
	resendsAnswer,
	runUsageOf,
	Send,
	START,
	StateGraph,
	type StateSnapshot,
	sumUsage,
	type WaitingRequest,
	waitingRequests,
} from "@weft/graph";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";

const State = z.object({
	topic: z.string(),
	notes: reducer(
		z.array(z.string()),
		(a, b: string[]) => [...a, ...b],
		() => [],
	),
	total: reducer(
		z.number(),
		(a, b: string) => a + b.length,
		() => 0,
		{ update: z.string() },
	),
	count: z.number().default(0),
});

describe("StateGraph types", () => {
	it("infers state and update types in nodes", () => {
		new StateGraph(State).addNode("a", (s, ctx) => {
			expectTypeOf(s).toEqualTypeOf<
				Readonly<{
					topic: string;
					notes: string[];
					total: number;
					count: number;
				}>
			>();
			expectTypeOf(ctx).toEqualTypeOf<NodeContext>();
			return { notes: ["x"], total: "abc", count: 1 };
		});
		// @ts-expect-error a reducer key takes the reducer's update type (string here), not the state type
		new StateGraph(State).addNode("a", () => ({ total: 3 }));
		// @ts-expect-error a last-value key takes its own type
		new StateGraph(State).addNode("a", () => ({ count: "three" }));
	});

	it("tracks node names through chaining: a typo does not compile", () => {
		const g = new StateGraph(State)
			.addNode("plan", () => {})
			.addNode("work", () => {});
		g.addEdge(START, "plan").addEdge("plan", "work").addEdge("work", END);
		// @ts-expect-error "wrok" was never added
		g.addEdge("plan", "wrok");
		// @ts-expect-error unknown source
		g.addEdge("nope", "plan");
		// @ts-expect-error a router may only name added nodes
		g.addConditionalEdges("plan", () => "wrok");
		g.addConditionalEdges("plan", (s) => (s.count > 1 ? "work" : END));
		g.addConditionalEdges("plan", () => [new Send("work", { a: 1 })]);
		// @ts-expect-error a Send to an unknown node
		g.addConditionalEdges("plan", () => [new Send("wrok", { a: 1 })]);
		g.addConditionalEdges("plan", () => "go" as "go" | "stop", {
			go: "work",
			stop: END,
		});
		// @ts-expect-error a path map may only name added nodes
		g.addConditionalEdges("plan", () => "go" as const, { go: "wrok" });
		// @ts-expect-error joins too
		g.addEdge(["plan", "wrok"], "work");
	});

	it("tracks node names without chaining when they are declared", () => {
		const g = new StateGraph(State, { nodes: ["plan", "work"] });
		g.addNode("plan", () => {});
		g.addNode("work", () => {});
		g.addEdge(START, "plan");
		g.addEdge("plan", "work");
		// @ts-expect-error "wrok" is not a declared node
		g.addEdge("plan", "wrok");
		expectTypeOf(g.compile()).toEqualTypeOf<ReturnType<typeof g.compile>>();
	});

	it("checks Command.goto targets at compile()", () => {
		const ok = new StateGraph(State)
			.addNode("plan", () => new Command({ goto: "work" }))
			.addNode("work", () => {})
			.addEdge(START, "plan");
		ok.compile();
		const typo = new StateGraph(State)
			.addNode("plan", () => new Command({ goto: "wrok" }))
			.addNode("work", () => {})
			.addEdge(START, "plan");
		// @ts-expect-error Command.goto names "wrok", which was never added
		typo.compile();
	});

	it("types Send inputs, interrupts and human checkpoints", () => {
		new StateGraph(State).addNode("worker", (input: { i: number }) => {
			expectTypeOf(input.i).toBeNumber();
			return { notes: [String(input.i)] };
		});
		const review = human("review", {
			request: z.object({ draft: z.string() }),
			response: z.object({ ok: z.boolean() }),
		});
		new StateGraph(State).addNode("review", async (s, ctx) => {
			const answer = await review.ask(ctx, { draft: s.topic });
			expectTypeOf(answer).toEqualTypeOf<{ ok: boolean }>();
			// @ts-expect-error the request must match its schema
			await review.ask(ctx, { draft: 1 });
			const n = await ctx.interrupt<number>("how many?");
			expectTypeOf(n).toBeNumber();
			return {};
		});
	});

	it("exposes state, update and node name types of a compiled graph", () => {
		const graph = new StateGraph(State)
			.addNode("plan", () => {})
			.addEdge(START, "plan")
			.compile();
		expectTypeOf<InferNodeName<typeof graph>>().toEqualTypeOf<"plan">();
		expectTypeOf<InferState<typeof graph>>().toEqualTypeOf<{
			topic: string;
			notes: string[];
			total: number;
			count: number;
		}>();
		expectTypeOf<InferUpdate<typeof graph>>().toEqualTypeOf<{
			topic?: string;
			notes?: string[];
			total?: string;
			count?: number;
		}>();
		expectTypeOf(graph.invoke)
			.parameter(0)
			.toEqualTypeOf<InferUpdate<typeof graph> | Command | null>();
		// a replay streams the events of the graph's state, as stream() does
		expectTypeOf(graph.streamReplay).returns.toEqualTypeOf<
			ReturnType<typeof graph.stream>
		>();
		expectTypeOf(graph.streamReplay).parameter(0).toHaveProperty("threadId");
		// @ts-expect-error asNode must be a node of the graph
		void graph.updateState({ threadId: "t" }, {}, { asNode: "nope" });
		// @ts-expect-error updates are typed
		void graph.updateState({ threadId: "t" }, { count: "x" });
	});

	it("types invokeAsSubgraph's input and its result by the subgraph's schema", () => {
		const child = new StateGraph(
			z.object({ question: z.string(), answer: z.string().default("") }),
		)
			.addNode("look", () => ({}))
			.addEdge(START, "look")
			.compile();
		new StateGraph(State).addNode("call", async (s, ctx) => {
			const out = await child.invokeAsSubgraph(ctx, { question: s.topic });
			expectTypeOf(out.answer).toEqualTypeOf<string>();
			// @ts-expect-error not a key of the subgraph's state
			await child.invokeAsSubgraph(ctx, { topic: s.topic });
			return {};
		});
	});

	it("RunConfig.checkpointId: a checkpoint id, or null for the empty state (decision 0036)", () => {
		expectTypeOf<{ checkpointId: null }>().toMatchTypeOf<RunConfig>();
		expectTypeOf<{ checkpointId: string }>().toMatchTypeOf<RunConfig>();
		// @ts-expect-error not a checkpoint id
		const wrong: RunConfig = { checkpointId: 42 };
		void wrong;
	});

	it("StateSnapshot.errors: failed tasks by id, with node, code and message (decision 0065)", () => {
		expectTypeOf<StateSnapshot["errors"]>().toEqualTypeOf<
			| Record<string, { node: string; code: string; message: string }>
			| undefined
		>();
	});

	it("a run's result says how it ended: done, interrupted or cancelled (a failed run throws)", () => {
		expectTypeOf<RunResult["status"]>().toEqualTypeOf<
			"done" | "interrupted" | "cancelled"
		>();
	});
	it("a run's usage marks the calls its cost leaves out: unpricedCalls, overall, by model and by node", () => {
		expectTypeOf<RunUsage["unpricedCalls"]>().toEqualTypeOf<
			number | undefined
		>();
		expectTypeOf<RunUsage["costUsd"]>().toEqualTypeOf<number | undefined>();
		expectTypeOf<RunUsage["byModel"][string]["unpricedCalls"]>().toEqualTypeOf<
			number | undefined
		>();
		expectTypeOf<RunUsage["byNode"][string]["unpricedCalls"]>().toEqualTypeOf<
			number | undefined
		>();
		// @ts-expect-error a count, not a flag
		const flag: RunUsage["unpricedCalls"] = true;
		expectTypeOf(flag).not.toBeAny();
	});
	it("a failed run's usage and the requests waiting on a thread's heads are typed", () => {
		expectTypeOf(runUsageOf).returns.toEqualTypeOf<RunUsage | undefined>();
		// usages of several runs or threads add up into one
		expectTypeOf(sumUsage).parameters.toEqualTypeOf<[RunUsage, RunUsage]>();
		expectTypeOf(
			sumUsage(emptyUsage(), emptyUsage()),
		).toEqualTypeOf<RunUsage>();
		expectTypeOf(waitingRequests).returns.resolves.toEqualTypeOf<
			WaitingRequest[]
		>();
		expectTypeOf(resendsAnswer).parameter(1).toEqualTypeOf<unknown>();
		expectTypeOf(resendsAnswer).returns.toEqualTypeOf<boolean>();
		expectTypeOf<WaitingRequest>().toMatchTypeOf<{
			threadId: string;
			checkpointId: string;
			branch: number;
			id: string;
			node: string;
			value: unknown;
		}>();
	});
});
