import {
	type BaseMessage,
	SystemMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { z } from "zod";
import {
	Command,
	type CompiledGraph,
	type CompileOptions,
	ConfigError,
	END,
	type NodeContext,
	START,
	StateGraph,
	WeftError,
} from "../index.ts";
import { type ChatModelLike, callModel } from "./call-model.ts";
import { handoffTarget, handoffTool } from "./handoff.ts";
import { bound } from "./llm-node.ts";
import { messages } from "./messages.ts";
import { privateAgentNode, privateHistories } from "./private-agent.ts";
import {
	checkHandoffs,
	checkHandoffToolNames,
	checkSupervisorOptions,
	handoffHint,
} from "./supervisor-checks.ts";
import { errorMessage } from "./tool-calls.ts";

/** The state of a supervisor graph: the shared conversation, and each agent's own when private. */
export const SupervisorState = z.object({
	messages: messages(),
	histories: privateHistories(),
});
export type SupervisorState = typeof SupervisorState;

type State = z.output<SupervisorState>;

export interface CreateSupervisorOptions {
	/** The agents by name: graphs whose state has `messages` (e.g. from `createAgent`). */
	agents: Record<string, CompiledGraph<any, any>>;
	/** A model that picks the next agent by calling `transfer_to_<name>` tools, or answers to finish. */
	model?: ChatModelLike | undefined;
	/** Or a function that picks the next agent (or END) from the state. */
	route?:
		| ((state: State, ctx: NodeContext) => string | Promise<string>)
		| undefined;
	/** What each agent is for, shown to the supervisor model. */
	descriptions?: Record<string, string> | undefined;
	system?: string | undefined;
	/**
	 * "shared" (default): every agent sees and extends the whole conversation, running as a subgraph.
	 * "private": each agent keeps its own conversation and only its final answer (or handoff) is shared.
	 */
	history?: "shared" | "private" | undefined;
	checkpointer?: CompileOptions["checkpointer"];
	name?: string | undefined;
	/** The lease's time-to-live, as `compile({ leaseTtlMs })` (default 30 s; decision 0126). */
	leaseTtlMs?: CompileOptions["leaseTtlMs"];
	/** Long-term memory across threads, as `compile({ store })`. */
	store?: CompileOptions["store"];
	/** When a checkpoint also holds a full snapshot, as `compile({ snapshots })`. */
	snapshots?: CompileOptions["snapshots"];
	/**
	 * Pause before these nodes (agents by their keys, or "supervisor"), as `compile({ interruptBefore })`:
	 * a person sees what the team is about to hand an agent. A name that is no node: GraphValidationError.
	 */
	interruptBefore?: readonly string[] | undefined;
	/** Pause after these nodes, as `compile({ interruptAfter })`. */
	interruptAfter?: readonly string[] | undefined;
}

/**
 * A multi-agent graph: a supervisor (a model with handoff tools, or a routing function) picks an agent;
 * the agent works, then control returns to the supervisor, unless the agent handed off to another agent
 * with a `handoffTool`.
 * @example
 * const team = createSupervisor({ model, agents: { researcher, writer }, checkpointer });
 */
export function createSupervisor(
	options: CreateSupervisorOptions,
): CompiledGraph<SupervisorState, string> {
	checkSupervisorOptions(options);
	const names = Object.keys(options.agents);
	const bad = names.filter((n) => n === "supervisor" || n.startsWith("__"));
	if (names.length === 0 || bad.length > 0)
		throw new ConfigError(
			"CONFIG_INVALID",
			names.length === 0
				? "createSupervisor needs agents"
				: `reserved agent name: ${bad.join(", ")}`,
			{
				hint: "name agents anything but supervisor",
			},
		);
	if ((options.model === undefined) === (options.route === undefined))
		throw new ConfigError(
			"CONFIG_INVALID",
			"createSupervisor needs exactly one of model or route",
			{
				hint: "pass model to let an LLM route, or route: (state) => agentName | END",
			},
		);
	const known = new Set(names);
	checkHandoffs(options.agents, known);
	const graph = new StateGraph(SupervisorState) as StateGraph<
		SupervisorState,
		string
	>;
	graph.addNode(
		"supervisor",
		options.model !== undefined
			? modelSupervisor(options, names)
			: routeSupervisor(options, known),
		{
			ends: [...names, END],
		},
	);
	graph.addEdge(START, "supervisor");
	for (const name of names) {
		const agent = asAgent(options.agents[name]!, name, options.descriptions);
		if (options.history === "private")
			graph.addNode(name, privateAgentNode(name, agent));
		else graph.addNode(name, agent);
		graph.addConditionalEdges(
			name,
			(s) => {
				const next = handoffTarget(s.messages)?.handoff;
				if (next === undefined || next === "supervisor") return "supervisor";
				if (known.has(next)) return next;
				// a handoff createSupervisor could not see when it was built (an agent not from createAgent)
				throw new WeftError(
					"UNKNOWN_NODE",
					`agent "${name}" handed off to "${next}", which is not an agent of this supervisor`,
					{ hint: handoffHint(known) },
				);
			},
			[...names, "supervisor"],
		);
	}
	// the graph's compile options, passed on as given (decision 0126)
	return graph.compile({
		checkpointer: options.checkpointer,
		...(options.name === undefined ? {} : { name: options.name }),
		store: options.store,
		leaseTtlMs: options.leaseTtlMs,
		snapshots: options.snapshots,
		interruptBefore: options.interruptBefore,
		interruptAfter: options.interruptAfter,
		// its runs, and its agents', are agent invocations to telemetry (decision 0131)
		agent: options.name === undefined ? {} : { name: options.name },
	});
}

/**
 * An agent of the supervisor, traced as one: a graph that is not an agent yet (not made by `createAgent`)
 * is named by its key; one that is keeps its identity, the key's description added if it has none.
 */
function asAgent(
	graph: CompiledGraph<any, any>,
	key: string,
	descriptions: Record<string, string> | undefined,
): CompiledGraph<any, any> {
	const own = graph.agent ?? {};
	const description = own.description ?? descriptions?.[key];
	return graph.asAgent({
		...own,
		name: own.name ?? key,
		...(description === undefined ? {} : { description }),
	});
}

function routeSupervisor(
	options: CreateSupervisorOptions,
	known: ReadonlySet<string>,
) {
	return async (state: State, ctx: NodeContext) => {
		const next = await options.route!(state, ctx);
		if (next !== END && !known.has(next))
			throw new ConfigError(
				"CONFIG_INVALID",
				`route chose "${next}", which is not an agent`,
				{
					hint: `return one of ${[...known].join(", ")} or END`,
				},
			);
		return new Command({ goto: next });
	};
}

function modelSupervisor(
	options: CreateSupervisorOptions,
	names: readonly string[],
) {
	checkHandoffToolNames(names);
	const tools = names.map((n) =>
		handoffTool(
			n,
			options.descriptions?.[n]
				? { description: `Hand over to ${n}: ${options.descriptions[n]}` }
				: {},
		),
	);
	const agentOf = new Map(tools.map((t, i) => [t.name, names[i]!]));
	const model = bound(options.model!, tools);
	const system = new SystemMessage(
		options.system ?? defaultSystem(names, options.descriptions ?? {}),
	);
	return async (state: State, ctx: NodeContext) => {
		const ai = await callModel(ctx, model, [system, ...state.messages], {
			name: "supervisor",
		});
		const calls = ai.tool_calls ?? [];
		if (calls.length === 0 && (ai.invalid_tool_calls ?? []).length === 0)
			return { messages: [ai] };
		let target: string | undefined;
		const answers: BaseMessage[] = [];
		for (const [i, c] of calls.entries()) {
			const call = { id: c.id ?? `${ai.id}:${i}`, name: c.name, args: c.args };
			const agent = agentOf.get(c.name);
			if (agent === undefined || target !== undefined) {
				answers.push(
					errorMessage(
						call,
						agent === undefined
							? `there is no tool named "${c.name}"`
							: "only one handoff at a time",
					),
				);
				continue;
			}
			target = agent;
			const message =
				typeof c.args.message === "string" ? c.args.message : undefined;
			answers.push(
				new ToolMessage({
					content: `Transferred to ${agent}${message ? `: ${message}` : "."}`,
					tool_call_id: call.id,
					name: c.name,
					artifact: { handoff: agent, ...(message ? { message } : {}) },
				}),
			);
		}
		for (const c of ai.invalid_tool_calls ?? [])
			answers.push(
				errorMessage(
					{ id: c.id ?? `${ai.id}:invalid`, name: c.name ?? "", args: {} },
					"arguments are not valid JSON",
				),
			);
		return new Command({
			update: { messages: [ai, ...answers] },
			goto: target ?? "supervisor",
		});
	};
}

function defaultSystem(
	names: readonly string[],
	descriptions: Record<string, string>,
): string {
	const list = names
		.map((n) => `- ${n}${descriptions[n] ? `: ${descriptions[n]}` : ""}`)
		.join("\n");
	return `You supervise these agents:\n${list}\nHand the conversation to the agent that should act next with its transfer tool. When the request is fully handled, answer the user directly without calling a tool.`;
}
