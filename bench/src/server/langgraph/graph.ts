// The same W3 loop on LangGraph.js (MessagesAnnotation), for `langgraph dev` (the in-memory API server),
// and the small graphs of the wire audit (../wire-diff.ts), as weft-graph.ts has them.
import {
	type AIMessage,
	type BaseMessage,
	ToolMessage,
} from "@langchain/core/messages";
import {
	Annotation,
	END,
	interrupt,
	type LangGraphRunnableConfig,
	MessagesAnnotation,
	START,
	StateGraph,
} from "@langchain/langgraph";
import { lookup, ScriptedAgentModel } from "../../llm/scripted-agent-model.ts";

const State = Annotation.Root({
	...MessagesAnnotation.spec,
	turns: Annotation<number>({ reducer: (_a, b) => b, default: () => 3 }),
});

const lastCalls = (ms: BaseMessage[]) =>
	(ms.at(-1) as AIMessage | undefined)?.tool_calls ?? [];

export const w3 = new StateGraph(State)
	.addNode("agent", async (s) => ({
		messages: [await new ScriptedAgentModel(s.turns).invoke(s.messages)],
	}))
	.addNode("tools", async (s) => ({
		messages: await Promise.all(
			lastCalls(s.messages).map(
				async (call) =>
					new ToolMessage({
						content: String(await lookup.invoke(call.args as { step: number })),
						tool_call_id: call.id!,
						name: call.name,
					}),
			),
		),
	}))
	.addEdge(START, "agent")
	.addConditionalEdges(
		"agent",
		(s) => (lastCalls(s.messages).length > 0 ? "tools" : END),
		["tools", END],
	)
	.addEdge("tools", "agent")
	.compile();

// For the wire audit (../wire-diff.ts): a human checkpoint, and a graph with a subgraph.
const AskState = Annotation.Root({
	topic: Annotation<string>({ reducer: (_a, b) => b, default: () => "" }),
	draft: Annotation<string>({ reducer: (_a, b) => b, default: () => "" }),
	verdict: Annotation<string>({ reducer: (_a, b) => b, default: () => "" }),
});

export const ask = new StateGraph(AskState)
	.addNode("write", async (s, config: LangGraphRunnableConfig) => {
		config.writer?.({ drafting: s.topic });
		return { draft: `a post on ${s.topic}` };
	})
	.addNode("review", async (s) => ({
		verdict: interrupt(`publish ${s.draft}?`) as string,
	}))
	.addEdge(START, "write")
	.addEdge("write", "review")
	.addEdge("review", END)
	.compile();

const LogState = Annotation.Root({
	n: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
	log: Annotation<string[]>({
		reducer: (a, b) => [...a, ...b],
		default: () => [],
	}),
});

const inner = new StateGraph(LogState)
	.addNode("a", async (s) => ({ n: s.n + 1, log: ["a"] }))
	.addNode("b", async (s, config: LangGraphRunnableConfig) => {
		config.writer?.({ inner: s.n });
		return { n: s.n + 10, log: ["b"] };
	})
	.addEdge(START, "a")
	.addEdge("a", "b")
	.addEdge("b", END)
	.compile();

export const parent = new StateGraph(LogState)
	.addNode("before", async () => ({ log: ["before"] }))
	.addNode("child", inner)
	.addEdge(START, "before")
	.addEdge("before", "child")
	.addEdge("child", END)
	.compile();

/** One node that sleeps `ms` (default 1500): a run that keeps its thread busy. */
export const slow = new StateGraph(
	Annotation.Root({
		ms: Annotation<number>({ reducer: (_a, b) => b, default: () => 1500 }),
		done: Annotation<boolean>({ reducer: (_a, b) => b, default: () => false }),
	}),
)
	.addNode("sleep", async (s) => {
		await new Promise((r) => setTimeout(r, s.ms));
		return { done: true };
	})
	.addEdge(START, "sleep")
	.addEdge("sleep", END)
	.compile();

/** ok → fail: the second node throws. */
export const boom = new StateGraph(LogState)
	.addNode("ok", async () => ({ log: ["ok"] }))
	.addNode("fail", async () => {
		throw new Error("the tool is down");
	})
	.addEdge(START, "ok")
	.addEdge("ok", "fail")
	.addEdge("fail", END)
	.compile();

/** `ask` as a subgraph: the interrupt is asked inside it. */
export const outerAsk = new StateGraph(AskState)
	.addNode("inner", ask)
	.addEdge(START, "inner")
	.addEdge("inner", END)
	.compile();

// S1 (WORKLOADS.md), served as `agent`: the same graph as weft-graph.ts's `s1`.
const S1State = Annotation.Root({
	topic: Annotation<string>({ reducer: (_a, b) => b, default: () => "" }),
	notes: Annotation<string[]>({
		reducer: (a, b) => [...a, ...b],
		default: () => [],
	}),
	draft: Annotation<string>({ reducer: (_a, b) => b, default: () => "" }),
	approved: Annotation<string>({ reducer: (_a, b) => b, default: () => "" }),
});

export const s1 = new StateGraph(S1State)
	.addNode("plan", async (s) => ({ notes: [`plan:${s.topic}`] }))
	.addNode("write", async (s, config: LangGraphRunnableConfig) => {
		config.writer?.({ writing: s.topic });
		return { draft: `about ${s.topic}`, notes: ["write"] };
	})
	.addNode("review", async (s) => ({
		approved: interrupt({ draft: s.draft }) as string,
	}))
	.addNode("publish", async () => ({ notes: ["publish"] }))
	.addEdge(START, "plan")
	.addEdge("plan", "write")
	.addEdge("write", "review")
	.addEdge("review", "publish")
	.addEdge("publish", END)
	.compile();
