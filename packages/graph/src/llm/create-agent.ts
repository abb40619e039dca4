import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import {
	conventionProvider,
	keysOf,
	providerOf,
	refuseUnknownKeys,
} from "@weft/checkpoint";
import { z } from "zod";
import {
	type AgentInfo,
	type CompiledGraph,
	type CompileOptions,
	ConfigError,
	END,
	START,
	StateGraph,
} from "../index.ts";
import {
	type AgentMemoryOptions,
	checkMemory,
	withMemories,
} from "./agent-memory.ts";
import { approvalNode } from "./approval.ts";
import type { ChatModelLike } from "./call-model.ts";
import {
	checkCount,
	checkSystem,
	checkToolNames,
	checkTools,
} from "./check-options.ts";
import { handoffTarget, rememberHandoffs } from "./handoff.ts";
import { checkFlagAndName, llmNode, type MessagesState } from "./llm-node.ts";
import { messages } from "./messages.ts";
import { modelNameOf } from "./model-answer.ts";
import { pendingToolCalls } from "./tool-calls.ts";
import { toolNode } from "./tool-node.ts";

/** The state of an agent: its conversation. */
export const AgentState = z.object({ messages: messages() });
export type AgentState = typeof AgentState;

/** The nodes of an agent graph. */
export type AgentNode = "agent" | "tools" | "approve";

export interface CreateAgentOptions {
	/** Any `@langchain/core` chat model that can take tools, or a `@weft/models` wrapper. */
	model: ChatModelLike;
	tools?: readonly StructuredToolInterface[] | undefined;
	/** Where the thread's state lives (needed for `approve`, unless the agent runs inside a parent graph). */
	checkpointer?: CompileOptions["checkpointer"];
	/** Tools that wait for a human decision (approve, reject with a reason, edit arguments) before they run. */
	approve?: readonly string[] | undefined;
	system?: string | ((state: MessagesState) => string) | undefined;
	/** Most model calls per user message (default 25); then the agent stops with a note. */
	maxSteps?: number | undefined;
	/** The agent's name: the graph's name and its AI messages' `name`. */
	name?: string | undefined;
	/** Stream tokens as `message` events (default true). */
	stream?: boolean | undefined;
	/** Recall memories from a store into the prompt before each model call (see docs/memory.md). */
	memory?: AgentMemoryOptions | undefined;
	/**
	 * The lease's time-to-live, as `compile({ leaseTtlMs })` (default 30 s): a thread whose runner died
	 * reads `stale`, and `agent.recover(threadId)` goes on, after this long.
	 */
	leaseTtlMs?: CompileOptions["leaseTtlMs"];
	/** Long-term memory across threads, given to nodes and tools as `ctx.store`, as `compile({ store })`. */
	store?: CompileOptions["store"];
	/** Pause before these nodes, as `compile({ interruptBefore })`. */
	interruptBefore?: readonly AgentNode[] | undefined;
	/** Pause after these nodes, as `compile({ interruptAfter })`. */
	interruptAfter?: readonly AgentNode[] | undefined;
	/** When a checkpoint also holds a full snapshot, as `compile({ snapshots })`. */
	snapshots?: CompileOptions["snapshots"];
}

// a misspelled option (`aprove`, `checkpointr`) was dropped without a word: an agent whose approval gate
// was off sent the email unasked (found from outside, 6 Dec)
const AGENT_OPTION_KEYS = keysOf<CreateAgentOptions>({
	model: true,
	tools: true,
	checkpointer: true,
	approve: true,
	system: true,
	maxSteps: true,
	name: true,
	stream: true,
	memory: true,
	leaseTtlMs: true,
	store: true,
	interruptBefore: true,
	interruptAfter: true,
	snapshots: true,
});

/**
 * A ReAct agent: the model answers or calls tools, tools run, the model sees their results, until it
 * answers without tool calls. Model and tool calls run once per task, so resuming an approval never
 * repeats a paid call or a tool that already ran.
 * @example
 * const agent = createAgent({ model, tools: [search, sendEmail], approve: ["send_email"], checkpointer });
 * const r = await agent.run({ messages: [new HumanMessage("Mail Bob the report")] }, { threadId: "t1" });
 * // r.status === "interrupted": r.interrupts[0].value.request.toolCalls
 * await agent.run(new Command({ resume: { action: "approve" } }), { threadId: "t1" });
 */
export function createAgent(
	options: CreateAgentOptions,
): CompiledGraph<AgentState, AgentNode> {
	refuseUnknownKeys(options, AGENT_OPTION_KEYS, "createAgent");
	const tools = checkTools("createAgent", options.tools);
	const approve =
		checkToolNames("createAgent", "approve", options.approve) ?? [];
	checkSystem("createAgent", options.system);
	checkCount("createAgent", "maxSteps", options.maxSteps, 25);
	checkFlagAndName("createAgent", options);
	checkMemory(options.memory);
	const known = new Set(tools.map((t) => t.name));
	const unknown = approve.filter((n) => !known.has(n));
	if (unknown.length > 0) {
		throw new ConfigError(
			"CONFIG_INVALID",
			`approve names tools the agent does not have: ${unknown.join(", ")}`,
			{
				hint: `the agent's tools are: ${[...known].join(", ") || "(none)"}`,
			},
		);
	}
	const maxSteps = options.maxSteps ?? 25;
	const call = llmNode<MessagesState>({
		model: options.model,
		tools,
		system: options.system,
		stream: options.stream,
		name: options.name,
	});
	const gated = new Set(approve);
	const graph = new StateGraph(AgentState, {
		nodes: (approve.length > 0
			? ["agent", "tools", "approve"]
			: ["agent", "tools"]) as AgentNode[],
	})
		// not an async function: the model call's promise is the node's (no frame and ticks around it: perf, issue 17)
		.addNode("agent", (state, ctx) => {
			if (stepsTaken(state.messages, options.name) >= maxSteps)
				return { messages: [stopped(maxSteps, options.name)] };
			const memory = options.memory;
			if (memory === undefined) return call(state, ctx);
			return withMemories(state, ctx, memory).then((s) => call(s, ctx));
		})
		.addNode("tools", toolNode(tools))
		.addEdge(START, "agent")
		.addConditionalEdges(
			"agent",
			(state) => {
				const { calls } = pendingToolCalls(state.messages);
				if (calls.length === 0) return END;
				return calls.some((c) => gated.has(c.name)) ? "approve" : "tools";
			},
			approve.length > 0 ? ["tools", "approve", END] : ["tools", END],
		)
		.addConditionalEdges(
			"tools",
			(state) => (handoffTarget(state.messages) === undefined ? "agent" : END),
			["agent", END],
		);
	if (approve.length > 0)
		graph
			.addNode("approve", approvalNode(approve, tools))
			.addEdge("approve", "tools");
	// the graph's compile options, passed on as given (decision 0126)
	const agent = graph.compile({
		checkpointer: options.checkpointer,
		...(options.name === undefined ? {} : { name: options.name }),
		store: options.store,
		leaseTtlMs: options.leaseTtlMs,
		interruptBefore: options.interruptBefore,
		interruptAfter: options.interruptAfter,
		snapshots: options.snapshots,
		// its runs are agent invocations to telemetry (decision 0131)
		agent: agentInfo(options.name, options.model),
	});
	// so that createSupervisor can refuse a handoff to no agent when it is built
	rememberHandoffs(agent, tools);
	return agent;
}

/** Who the agent is to telemetry: its name, and its model's provider and name where they are known. */
function agentInfo(name: string | undefined, model: unknown): AgentInfo {
	const info: AgentInfo = {};
	if (name !== undefined) info.name = name;
	const provider = conventionProvider(providerOf(model));
	if (provider !== undefined) info.provider = provider;
	const requested = modelNameOf(model);
	if (requested !== undefined) info.model = requested;
	return info;
}

/** Model answers since the last human message (by this agent, when it has a name). */
function stepsTaken(
	list: readonly BaseMessage[],
	name: string | undefined,
): number {
	let n = 0;
	for (let i = list.length - 1; i >= 0; i--) {
		const m = list[i]!;
		// one type read per message (isHumanMessage and isAIMessage read it each: perf, issue 17)
		const type = m.getType();
		if (type === "human") break;
		if (type === "ai" && (name === undefined || m.name === name)) n++;
	}
	return n;
}

function stopped(maxSteps: number, name: string | undefined): AIMessage {
	return new AIMessage({
		content: `I stopped after ${maxSteps} steps without a final answer (maxSteps).`,
		...(name === undefined ? {} : { name }),
	});
}
