// The server workload's graph on Weft: the W3 agent loop (agent → tools → agent … → end) where the agent
// asks the scripted model (no I/O) and the tools node runs its tool calls. Compiled without a
// checkpointer: `weft dev` / `weft worker` give it theirs.
import { appendFileSync } from "node:fs";
import {
	type AIMessage,
	type BaseMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { END, reducer, START, StateGraph } from "@weft/graph";
import { messages } from "@weft/graph/llm";
import { z } from "zod";
import { lookup, ScriptedAgentModel } from "../llm/scripted-agent-model.ts";

const State = z.object({
	messages: messages(),
	turns: z.number().default(3),
});

const lastCalls = (ms: readonly BaseMessage[]) =>
	(ms.at(-1) as AIMessage | undefined)?.tool_calls ?? [];

/**
 * `effects`: each tool call runs through `ctx.once` and, where $WEFT_BENCH_EFFECTS names a file, appends
 * `<thread> <call id> <worker pid>` to it, so that the kill phase can count effects that ran twice.
 */
function build(effects: boolean) {
	return new StateGraph(State)
		.addNode("agent", async (s) => ({
			messages: [await new ScriptedAgentModel(s.turns).invoke(s.messages)],
		}))
		.addNode("tools", async (s, ctx) => ({
			messages: await Promise.all(
				lastCalls(s.messages).map(async (call) => {
					const run = async () => {
						const file = process.env.WEFT_BENCH_EFFECTS;
						if (file !== undefined)
							appendFileSync(
								file,
								`${ctx.threadId} ${call.id} ${process.pid}\n`,
							);
						return String(await lookup.invoke(call.args as { step: number }));
					};
					const content = effects ? await ctx.once(call.id!, run) : await run();
					return new ToolMessage({
						content,
						tool_call_id: call.id!,
						name: call.name,
					});
				}),
			),
		}))
		.addEdge(START, "agent")
		.addConditionalEdges(
			"agent",
			(s) => (lastCalls(s.messages).length > 0 ? "tools" : END),
			["tools", END],
		)
		.addEdge("tools", "agent");
}

export const w3 = build(false).compile({ name: "w3" });

/** For the kill phase: tool effects through `ctx.once`, and a short lease (1.5 s) for quick takeovers. */
export const w3Kill = build(true).compile({ name: "w3", leaseTtlMs: 1500 });

// For the wire audit (wire-diff.ts): the same small graphs as langgraph/graph.ts's `ask` and `parent`.
const AskState = z.object({
	topic: z.string().default(""),
	draft: z.string().default(""),
	verdict: z.string().default(""),
});

export const ask = new StateGraph(AskState)
	.addNode("write", async (s, ctx) => {
		ctx.emit({ drafting: s.topic });
		return { draft: `a post on ${s.topic}` };
	})
	.addNode("review", async (s, ctx) => ({
		verdict: await ctx.interrupt<string>(`publish ${s.draft}?`),
	}))
	.addEdge(START, "write")
	.addEdge("write", "review")
	.addEdge("review", END)
	.compile({ name: "ask" });

const LogState = z.object({
	n: z.number().default(0),
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

const inner = new StateGraph(LogState)
	.addNode("a", async (s) => ({ n: s.n + 1, log: ["a"] }))
	.addNode("b", async (s, ctx) => {
		ctx.emit({ inner: s.n });
		return { n: s.n + 10, log: ["b"] };
	})
	.addEdge(START, "a")
	.addEdge("a", "b")
	.addEdge("b", END)
	.compile({ name: "inner" });

export const parent = new StateGraph(LogState)
	.addNode("before", async () => ({ log: ["before"] }))
	.addNode("child", inner)
	.addEdge(START, "before")
	.addEdge("before", "child")
	.addEdge("child", END)
	.compile({ name: "parent" });

/** One node that sleeps `ms` (default 1500): a run that keeps its thread busy. */
export const slow = new StateGraph(
	z.object({ ms: z.number().default(1500), done: z.boolean().default(false) }),
)
	.addNode("sleep", async (s) => {
		await new Promise((r) => setTimeout(r, s.ms));
		return { done: true };
	})
	.addEdge(START, "sleep")
	.addEdge("sleep", END)
	.compile({ name: "slow" });

/** ok → fail: the second node throws. */
export const boom = new StateGraph(LogState)
	.addNode("ok", async () => ({ log: ["ok"] }))
	.addNode("fail", async () => {
		throw new Error("the tool is down");
	})
	.addEdge(START, "ok")
	.addEdge("ok", "fail")
	.addEdge("fail", END)
	.compile({ name: "boom" });

/** `ask` as a subgraph: the interrupt is asked inside it. */
export const outerAsk = new StateGraph(AskState)
	.addNode("inner", ask)
	.addEdge(START, "inner")
	.addEdge("inner", END)
	.compile({ name: "outerAsk" });

// S1 (WORKLOADS.md, "server round trips through the LangGraph SDK"), served as `agent`: plan → write (a
// custom event) → review (asks a human) → publish; langgraph/graph.ts's `s1` is the same graph.
const S1State = z.object({
	topic: z.string(),
	notes: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	draft: z.string().default(""),
	approved: z.string().default(""),
});

export const s1 = new StateGraph(S1State)
	.addNode("plan", (s) => ({ notes: [`plan:${s.topic}`] }))
	.addNode("write", (s, ctx) => {
		ctx.emit({ writing: s.topic });
		return { draft: `about ${s.topic}`, notes: ["write"] };
	})
	.addNode("review", async (s, ctx) => ({
		approved: await ctx.interrupt<string>({ draft: s.draft }),
	}))
	.addNode("publish", () => ({ notes: ["publish"] }))
	.addEdge(START, "plan")
	.addEdge("plan", "write")
	.addEdge("write", "review")
	.addEdge("review", "publish")
	.addEdge("publish", END)
	.compile({ name: "agent" });
