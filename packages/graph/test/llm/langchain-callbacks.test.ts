// What the LLM layer's model and tool calls hand LangChain, and what they store (issue 17's L1 work):
// callbacks given to a run see every call start and end, LangSmith's env-configured tracer records the
// calls with the node metadata, and the calls' `once` results are stored without a `once-start` record.
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { HumanMessage } from "@langchain/core/messages";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { LangChainTracer } from "@langchain/core/tracers/tracer_langchain";
import type { PendingWrite } from "@weft/checkpoint";
import {
	Command,
	END,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import {
	AgentState,
	createAgent,
	llmNode,
	promptChain,
	ScriptedChatModel,
	toolNode,
} from "@weft/graph/llm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { addThenAnswer, makeTools } from "./fixtures.ts";

const ask = { messages: [new HumanMessage("What is 1 + 2?")] };

describe("LangChain callbacks given to a run", () => {
	it("see each model and tool call start and end", async () => {
		const seen: string[] = [];
		class Handler extends BaseCallbackHandler {
			name = "start-end";
			override awaitHandlers = true;
			override async handleChatModelStart() {
				seen.push("model start");
			}
			override async handleLLMEnd() {
				seen.push("model end");
			}
			override async handleToolStart() {
				seen.push("tool start");
			}
			override async handleToolEnd() {
				seen.push("tool end");
			}
		}
		const { add } = makeTools();
		const agent = createAgent({
			model: addThenAnswer(),
			tools: [add],
			checkpointer: new MemoryCheckpointer(),
		});
		const result = await agent.run(ask, {
			threadId: "cb",
			callbacks: [new Handler()],
		});
		expect(result.status).toBe("done");
		expect(seen).toEqual([
			"model start",
			"model end",
			"tool start",
			"tool end",
			"model start",
			"model end",
		]);
	});
});

describe("a prompt template of llmNode or promptChain", () => {
	it("is formatted under the run's callbacks, with the node's metadata (not as a run of its own)", async () => {
		const prompts: unknown[] = [];
		class Handler extends BaseCallbackHandler {
			name = "prompt";
			override awaitHandlers = true;
			override async handleChainStart(
				_chain: unknown,
				_inputs: unknown,
				_runId: string,
				_parentRunId?: string,
				_tags?: string[],
				metadata?: Record<string, unknown>,
				_runType?: string,
				name?: string,
			) {
				prompts.push({
					name,
					node: metadata?.weft_node,
					thread: metadata?.thread_id,
				});
			}
		}
		const graph = new StateGraph(AgentState)
			.addNode(
				"agent",
				llmNode({
					model: addThenAnswer(),
					prompt: ChatPromptTemplate.fromMessages([
						["system", "Be brief."],
						["placeholder", "{messages}"],
					]),
				}),
			)
			.addEdge(START, "agent")
			.addEdge("agent", END)
			.compile({ checkpointer: new MemoryCheckpointer() });
		await graph.run(ask, { threadId: "pt", callbacks: [new Handler()] });
		expect(prompts).toEqual([
			{ name: "ChatPromptTemplate", node: "agent", thread: "pt" },
		]);
		prompts.length = 0;
		const chain = promptChain({
			model: new ScriptedChatModel(["a title"]),
			input: z.object({ topic: z.string() }),
		})
			.step("title", ChatPromptTemplate.fromTemplate("A title for {topic}"))
			.compile({ checkpointer: new MemoryCheckpointer() });
		await chain.run(
			{ topic: "tea" },
			{ threadId: "pc", callbacks: [new Handler()] },
		);
		expect(prompts).toEqual([
			{ name: "ChatPromptTemplate", node: "title", thread: "pc" },
		]);
	});
});

describe("the metadata a node's calls carry (ctx.callOptions)", () => {
	async function metadataOf(
		metadata: Record<string, string | number | boolean | null>,
	) {
		let seen: Record<string, unknown> | undefined;
		const graph = new StateGraph(AgentState, { nodes: ["look"] })
			.addNode("look", (_state, ctx) => {
				seen = ctx.callOptions.metadata;
				return {};
			})
			.addEdge(START, "look")
			.addEdge("look", END)
			.compile({ checkpointer: new MemoryCheckpointer() });
		await graph.run(ask, { threadId: "md", metadata });
		return seen!;
	}

	it("is the run's metadata with the thread, node and step, as plain keys LangChain may add to", async () => {
		const m = await metadataOf({ user: "u1" });
		expect(Object.keys(m)).toEqual([
			"user",
			"thread_id",
			"weft_node",
			"weft_step",
			"langgraph_node",
			"langgraph_step",
		]);
		expect({ ...m }).toEqual({
			user: "u1",
			thread_id: "md",
			weft_node: "look",
			weft_step: 1,
			langgraph_node: "look",
			langgraph_step: 1,
		});
		expect(JSON.parse(JSON.stringify(m))).toEqual({ ...m });
		expect(Object.isExtensible(m)).toBe(true);
		expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
	});

	it("keeps an own __proto__ key of the run's metadata as a key, as a spread does", async () => {
		const m = await metadataOf(JSON.parse('{"__proto__": "kept"}'));
		expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
		expect(Object.getOwnPropertyDescriptor(m, "__proto__")?.value).toBe("kept");
	});
});

describe("LangSmith tracing configured by the environment", () => {
	const saved = process.env.LANGSMITH_TRACING;
	afterEach(() => {
		if (saved === undefined) delete process.env.LANGSMITH_TRACING;
		else process.env.LANGSMITH_TRACING = saved;
		vi.restoreAllMocks();
	});

	it("records every model and tool call, with the node in the metadata", async () => {
		const runs: Array<{ type: string; node: unknown }> = [];
		// the tracer LangChain adds when LANGSMITH_TRACING is set; its uploads are replaced by a record
		vi.spyOn(LangChainTracer.prototype, "onRunCreate").mockImplementation(
			async (run) => {
				runs.push({
					type: run.run_type,
					node: (run.extra?.metadata as Record<string, unknown> | undefined)
						?.langgraph_node,
				});
			},
		);
		vi.spyOn(LangChainTracer.prototype, "onRunUpdate").mockImplementation(
			async () => {},
		);
		process.env.LANGSMITH_TRACING = "true";
		const { add } = makeTools();
		const agent = createAgent({
			model: addThenAnswer(),
			tools: [add],
			checkpointer: new MemoryCheckpointer(),
		});
		expect((await agent.run(ask, { threadId: "ls" })).status).toBe("done");
		expect(runs).toEqual([
			{ type: "llm", node: "agent" },
			{ type: "tool", node: "tools" },
			{ type: "llm", node: "agent" },
		]);
	});
});

describe("what the LLM layer's calls store", () => {
	it("a model call's result without a once-start record: resuming does not call the model again", async () => {
		const model = addThenAnswer();
		const call = llmNode({ model });
		const checkpointer = new MemoryCheckpointer();
		const graph = new StateGraph(AgentState, { nodes: ["agent"] })
			.addNode("agent", async (state, ctx) => {
				const out = await call(state, ctx);
				await ctx.interrupt("check the answer");
				return out;
			})
			.addEdge(START, "agent")
			.addEdge("agent", END)
			.compile({ checkpointer });
		const first = await graph.run(ask, { threadId: "m1" });
		expect(first.status).toBe("interrupted");
		const kinds = await pendingKinds(checkpointer, "m1");
		expect(kinds).toContain("once model");
		expect(kinds).not.toContain("once-start model");
		const done = await graph.run(new Command({ resume: "ok" }), {
			threadId: "m1",
		});
		expect(done.status).toBe("done");
		expect(model.calls).toHaveLength(1);
	});

	it("a tool call's result likewise; a node's own ctx.once keeps its once-start record", async () => {
		const { add, calls } = makeTools();
		const tools = toolNode([add]);
		const checkpointer = new MemoryCheckpointer();
		const graph = new StateGraph(AgentState, { nodes: ["tools"] })
			.addNode("tools", async (state, ctx) => {
				const out = await tools(state, ctx);
				await ctx.once("own", () => "effect");
				await ctx.interrupt("go on?");
				return out;
			})
			.addEdge(START, "tools")
			.addEdge("tools", END)
			.compile({ checkpointer });
		const input = {
			messages: [
				new HumanMessage("add"),
				...(await addThenAnswer()
					.invoke([new HumanMessage("add")])
					.then((m) => [m])),
			],
		};
		expect((await graph.run(input, { threadId: "t1" })).status).toBe(
			"interrupted",
		);
		const kinds = await pendingKinds(checkpointer, "t1");
		const toolKey = kinds.find((k) => k.startsWith("once tool:"));
		expect(toolKey).toBeDefined();
		expect(kinds).not.toContain(`once-start ${toolKey!.slice(5)}`);
		expect(kinds).toContain("once-start own");
		expect(kinds).toContain("once own");
		const done = await graph.run(new Command({ resume: true }), {
			threadId: "t1",
		});
		expect(done.status).toBe("done");
		expect(calls.add).toBe(1);
	});
});

async function pendingKinds(
	checkpointer: MemoryCheckpointer,
	threadId: string,
): Promise<string[]> {
	const tuple = await checkpointer.getTuple({ threadId });
	return (tuple?.pendingWrites ?? []).flatMap((w: PendingWrite) =>
		w.kind === "once" || w.kind === "once-start" ? [`${w.kind} ${w.key}`] : [],
	);
}
