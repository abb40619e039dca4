import {
	type BaseMessage,
	isHumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import {
	fillNamespace,
	type Namespace,
	type NodeContext,
	type Store,
} from "../index.ts";
import type { MessagesState } from "./llm-node.ts";
import { memoryText } from "./memory-tools.ts";

/** `createAgent`'s `memory` option: memories recalled into the prompt before each model call. */
export interface AgentMemoryOptions {
	store: Store;
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
	const hits = await memory.store.search(
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
