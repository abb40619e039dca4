// The shapes /work/shared/API.md shows, as a user's code sees them (sections Defining a graph, Running,
// Human checkpoints and interrupts, Time travel, Checkpointers, Threads, leases and branches).
import {
	type Checkpointer,
	createSerializer,
	MemoryCheckpointer,
} from "@weft/checkpoint";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import {
	Command,
	END,
	exitedRunner,
	human,
	type Interrupt,
	type NodeContext,
	type RunConfig,
	type RunResult,
	reducer,
	Send,
	START,
	StateGraph,
	type StateSnapshot,
	type StreamEvent,
	type StreamMode,
} from "@weft/graph";
import { describe, expectTypeOf, it } from "vitest";
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
type S = { topic: string; notes: string[]; count: number };

const graph = new StateGraph(State)
	.addNode("plan", (s) => ({ count: s.count + 1 }))
	.addNode("work", async (s, ctx) => ({ notes: [`${s.topic}#${ctx.step}`] }))
	.addEdge(START, "plan")
	.addConditionalEdges("plan", (s) => (s.count < 3 ? "work" : END))
	.addEdge("work", "plan")
	.compile({ checkpointer: new MemoryCheckpointer() });

describe("API.md: Defining a graph", () => {
	it("reducer(schema, fn, init?) and a last-value key", () => {
		reducer(z.array(z.string()), (a, b) => [...a, ...b]);
		// @ts-expect-error the reducer's fn merges values of the key's type
		reducer(z.number(), (a: string, b: string) => a + b);
	});

	it("a node is (state, ctx) => Update | Command | void, sync or async", () => {
		new StateGraph(State)
			.addNode("a", () => {})
			.addNode("b", async () => {})
			.addNode("c", () => new Command({ update: { count: 1 }, goto: "a" }), {
				ends: ["a"],
			})
			.addNode("d", async (s) => ({ notes: [s.topic] }))
			// @ts-expect-error count is a number
			.addNode("e", () => ({ count: "1" }));
	});

	it("ctx has threadId, step, node, signal, interrupt, emit, context and once", () => {
		expectTypeOf<NodeContext["threadId"]>().toEqualTypeOf<string | undefined>();
		expectTypeOf<NodeContext["step"]>().toEqualTypeOf<number>();
		expectTypeOf<NodeContext["node"]>().toEqualTypeOf<string>();
		expectTypeOf<NodeContext["signal"]>().toEqualTypeOf<AbortSignal>();
		expectTypeOf<NodeContext["context"]>().toEqualTypeOf<
			Readonly<Record<string, unknown>>
		>();
		expectTypeOf<NodeContext["emit"]>().toEqualTypeOf<
			(data: unknown) => void
		>();
		// a chunk, and what its model reports of itself (LangChain's ls_* params), optional
		expectTypeOf<NodeContext["emitMessage"]>().parameters.toEqualTypeOf<
			[
				chunk: unknown,
				modelParams?: Readonly<Record<string, unknown>> | undefined,
			]
		>();
		expectTypeOf<NodeContext["interrupt"]>().returns.toEqualTypeOf<
			Promise<unknown>
		>();
		expectTypeOf<NodeContext["once"]>().returns.toEqualTypeOf<
			Promise<unknown>
		>();
	});

	it("the state a node (or router) receives is read-only", () => {
		new StateGraph(State).addNode("a", (s) => {
			// @ts-expect-error the state is read-only: return an update
			s.topic = "x";
			// arrays stay plain arrays in the type (so they pass to functions taking arrays); the runtime refuses a push
		});
	});

	it("node options: retry, timeoutMs, cache, ends", () => {
		new StateGraph(State).addNode("a", () => ({}), {
			retry: {
				maxAttempts: 3,
				initialDelayMs: 10,
				backoff: 2,
				maxDelayMs: 100,
				jitter: true,
				retryOn: (e: unknown) => e instanceof Error,
			},
			timeoutMs: 1000,
			cache: { key: (s: S) => s.topic, ttlMs: 1000 },
		});
	});

	it("a router returns a name, END, an array of names or Sends", () => {
		new StateGraph(State)
			.addNode("a", () => ({}))
			.addNode("b", () => ({}))
			.addEdge(START, "a")
			.addConditionalEdges("a", () => END)
			.addConditionalEdges("a", () => ["a", "b"])
			.addConditionalEdges("a", () => [new Send("b", { topic: "x" })]);
		new Command({ update: { count: 1 }, goto: "x", resume: 1 });
	});

	it("addNode(name, compiledGraph) embeds a subgraph", () => {
		const inner = new StateGraph(State)
			.addNode("deep", () => ({}))
			.addEdge(START, "deep")
			.compile();
		new StateGraph(State).addNode("sub", inner).addEdge(START, "sub").compile();
	});
});

describe("API.md: Running", () => {
	it("invoke returns the values; run returns the whole result", () => {
		expectTypeOf(graph.invoke).returns.resolves.toEqualTypeOf<S>();
		expectTypeOf(graph.run).returns.resolves.toEqualTypeOf<RunResult<S>>();
		expectTypeOf<RunResult<S>>().toMatchTypeOf<{
			status: "done" | "interrupted" | "cancelled";
			values: S;
			interrupts: Interrupt[];
			checkpointId: string | undefined;
			steps: number;
			usage: unknown;
		}>();
	});

	it("RunConfig: threadId, checkpointId, recursionLimit, signal, maxConcurrency, context", () => {
		expectTypeOf<{
			threadId: string;
			checkpointId: string;
			recursionLimit: number;
			signal: AbortSignal;
			maxConcurrency: number;
			context: { user: string };
			waitForLease: number;
		}>().toMatchTypeOf<RunConfig>();
		// @ts-expect-error recursionLimit is a number
		expectTypeOf<{ recursionLimit: "3" }>().toMatchTypeOf<RunConfig>();
	});

	it("stream takes a mode or a list of modes and yields typed events", () => {
		graph.stream(
			{ topic: "t" },
			{ threadId: "t1", mode: ["updates", "messages"] },
		);
		graph.stream({ topic: "t" }, { threadId: "t1", mode: "values" });
		// @ts-expect-error no such mode
		graph.stream({ topic: "t" }, { threadId: "t1", mode: "tokens" });
		expectTypeOf<
			"values" | "updates" | "messages" | "custom" | "debug"
		>().toMatchTypeOf<StreamMode>();
		type E = StreamEvent<S>;
		expectTypeOf<Extract<E, { type: "values" }>>().toMatchTypeOf<{
			step: number;
			data: S;
		}>();
		expectTypeOf<Extract<E, { type: "update" }>>().toMatchTypeOf<{
			step: number;
			node: string;
			data: Record<string, unknown>;
		}>();
		expectTypeOf<Extract<E, { type: "message" }>>().toMatchTypeOf<{
			node: string;
			chunk: unknown;
		}>();
		expectTypeOf<Extract<E, { type: "custom" }>>().toMatchTypeOf<{
			node: string;
			data: unknown;
		}>();
		expectTypeOf<Extract<E, { type: "interrupt" }>>().toMatchTypeOf<{
			interrupts: Interrupt[];
		}>();
		expectTypeOf<Extract<E, { type: "checkpoint" }>>().toMatchTypeOf<{
			checkpointId: string;
			step: number;
		}>();
		expectTypeOf<Extract<E, { type: "error" }>>().toMatchTypeOf<{
			node: string | undefined;
			error: unknown;
		}>();
	});
});

describe("API.md: Human checkpoints and interrupts", () => {
	const review = human("review", {
		request: z.object({ draft: z.string() }),
		response: z.discriminatedUnion("action", [
			z.object({ action: z.literal("approve") }),
			z.object({ action: z.literal("reject"), reason: z.string() }),
			z.object({ action: z.literal("edit"), draft: z.string() }),
		]),
	});

	it("review.ask is typed by the schemas", () => {
		new StateGraph(State).addNode("a", async (s, ctx) => {
			const answer = await review.ask(ctx, { draft: s.topic });
			expectTypeOf(answer).toEqualTypeOf<
				| { action: "approve" }
				| { action: "reject"; reason: string }
				| { action: "edit"; draft: string }
			>();
			// @ts-expect-error the request must match its schema
			await review.ask(ctx, { text: s.topic });
		});
	});

	it("Command({ resume }) resumes; interrupts list { id, node, value }", () => {
		graph.invoke(new Command({ resume: { action: "approve" } }), {
			threadId: "t1",
		});
		expectTypeOf<Interrupt>().toMatchTypeOf<{
			id: string;
			node: string;
			value: unknown;
		}>();
		new StateGraph(State)
			.addNode("a", () => ({}))
			.addEdge(START, "a")
			.compile({ interruptBefore: ["a"], interruptAfter: ["a"] });
		new StateGraph(State)
			.addNode("a", () => ({}))
			.addEdge(START, "a")
			// @ts-expect-error no node "b"
			.compile({ interruptBefore: ["b"] });
	});
});

describe("API.md: Time travel", () => {
	it("getState gives the snapshot's fields", () => {
		expectTypeOf(graph.getState).returns.resolves.toEqualTypeOf<
			StateSnapshot<S>
		>();
		expectTypeOf<StateSnapshot<S>>().toMatchTypeOf<{
			values: S;
			next: string[];
			checkpointId: string;
			parentCheckpointId: string | null;
			step: number;
			source: "input" | "loop" | "update" | "fork";
			createdAt: string;
			interrupts: Interrupt[];
			writes: Record<string, Record<string, unknown>>;
		}>();
	});

	it("getStateHistory(config, { limit, before }) is an async iterable of snapshots", () => {
		expectTypeOf(
			graph.getStateHistory({ threadId: "t1" }, { limit: 2, before: "x" }),
		).toMatchTypeOf<AsyncIterable<StateSnapshot<S>>>();
		// before: an id, or a config / snapshot that names one
		expectTypeOf(graph.getStateHistory).parameter(1).toMatchTypeOf<
			| {
					before?: string | { checkpointId?: string | undefined } | undefined;
			  }
			| undefined
		>();
	});

	it("updateState returns the new checkpointId; asNode is a node of the graph", () => {
		expectTypeOf(
			graph.updateState(
				{ threadId: "t1", checkpointId: "c" },
				{ count: 9 },
				{ asNode: "plan" },
			),
		).resolves.toMatchTypeOf<{ checkpointId: string }>();
		// @ts-expect-error asNode must be a node of the graph
		graph.updateState({ threadId: "t1" }, { count: 9 }, { asNode: "nope" });
		graph.invoke(null, { threadId: "t1", checkpointId: "c" });
	});

	it("diffStates returns { path, kind, before?, after? }[]", () => {
		expectTypeOf(graph.diffStates).returns.resolves.toEqualTypeOf<
			{
				path: Array<string | number>;
				kind: "added" | "removed" | "changed";
				before?: unknown;
				after?: unknown;
			}[]
		>();
	});

	it("validateInput takes any value (it checks it) and returns nothing (decision 0173)", () => {
		expectTypeOf(graph.validateInput).parameter(0).toEqualTypeOf<unknown>();
		expectTypeOf(graph.validateInput)
			.parameter(1)
			.toEqualTypeOf<{ firstInput?: boolean } | undefined>();
		expectTypeOf(graph.validateInput).returns.toEqualTypeOf<void>();
	});

	it("requiredInputKeys lists state key names, read-only (decision 0180)", () => {
		expectTypeOf(graph.requiredInputKeys()).toEqualTypeOf<
			readonly ("topic" | "notes" | "count")[]
		>();
		// @ts-expect-error the list is read-only
		graph.requiredInputKeys().push("topic");
	});
});

describe("API.md: Checkpointers", () => {
	it("the three stores are Checkpointers", () => {
		expectTypeOf(new MemoryCheckpointer()).toMatchTypeOf<Checkpointer>();
		expectTypeOf(
			new SqliteCheckpointer({ path: ":memory:" }),
		).toMatchTypeOf<Checkpointer>();
		expectTypeOf(
			PostgresCheckpointer.connect({
				connectionString: "postgres://x",
				schema: "s",
			}),
		).resolves.toMatchTypeOf<Checkpointer & { close(): Promise<void> }>();
		// @ts-expect-error a path is required
		new SqliteCheckpointer({});
	});

	it("createSerializer({ encryptionKey }) takes a key or a list of keys", () => {
		createSerializer({ encryptionKey: "0".repeat(64) });
		createSerializer({ encryptionKey: new Uint8Array(32) });
		createSerializer({ encryptionKey: ["0".repeat(64), new Uint8Array(32)] });
		new SqliteCheckpointer({
			path: "weft.db",
			serializer: createSerializer({}),
		});
	});
});

describe("API.md: Threads, leases and branches", () => {
	it("waitForLease, recover and getThread", () => {
		graph.invoke({ topic: "t" }, { threadId: "t1", waitForLease: 1000 });
		expectTypeOf(graph.recover("t1")).resolves.toEqualTypeOf<RunResult<S>>();
		expectTypeOf(
			graph.getRecoveryCheckpoint({ threadId: "t1" }),
		).resolves.toEqualTypeOf<string | undefined>();
		expectTypeOf(graph.getThread({ threadId: "t1" })).resolves.toMatchTypeOf<
			{ status: string } | undefined
		>();
		// a lease owner whose process (of this machine) has exited: its pid
		expectTypeOf(exitedRunner("host:123:abc#1")).toEqualTypeOf<
			number | undefined
		>();
		// @ts-expect-error it reads an owner (a runner id), not a lease
		exitedRunner({ owner: "host:123" });
	});
});
