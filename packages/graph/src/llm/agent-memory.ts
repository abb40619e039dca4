import {
	type BaseMessage,
	isHumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import {
	ConfigError,
	fillNamespace,
	type Namespace,
	type NodeContext,
	type Store,
} from "../index.ts";
import type { MessagesState } from "./llm-node.ts";
import { memoryText } from "./memory-tools.ts";

/** `createAgent`'s `memory` option: memories recalled into the prompt before each model call. */
export interface AgentMemoryOptions {
	/** The store to search (default: the run's store, `ctx.store`). */
	store?: Store | undefined;
	/** Where to search; `"{name}"` labels are filled from the run's context. */
	namespace: Namespace;
	/** Memories put in the prompt (default 5). */
	limit?: number | undefined;
	/** The search query (default: the text of the last human message). */
	query?: ((state: MessagesState) => string | undefined) | undefined;
}

function lastHumanText(list: readonly BaseMessage[]): string | undefined {
	for (let i = list.length - 1; i >= 0; i--) {
		const m = list[i]!;
		if (isHumanMessage(m)) return m.text;
	}
	return undefined;
}

/**
 * The state the model sees: the memories that match the conversation, as a system message before it.
 * Nothing is added to the thread's state.
 */
export async function withMemories<TState extends MessagesState>(
	state: TState,
	ctx: NodeContext,
	memory: AgentMemoryOptions,
): Promise<TState> {
	const query = (memory.query ?? ((s) => lastHumanText(s.messages)))(state);
	if (query === undefined || query.trim() === "") return state;
	const store = memory.store ?? ctx.store;
	if (store === undefined)
		throw new ConfigError(
			"CONFIG_INVALID",
			"createAgent has a memory option but no store: neither memory.store nor the run's store is set",
			{
				hint: "pass memory: { store, namespace }, or compile/run the agent with { store }",
			},
		);
	const hits = await store.search(
		fillNamespace(memory.namespace, ctx.context),
		{
			query,
			limit: memory.limit ?? 5,
		},
	);
	if (hits.length === 0) return state;
	const note = new SystemMessage(
		`Relevant memories from earlier conversations:\n${hits
			.map((h) => `- [${h.key}] ${memoryText(h.value)}`)
			.join("\n")}`,
	);
	return { ...state, messages: [note, ...state.messages] };
}
