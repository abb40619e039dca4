import {
	type BaseMessage,
	isHumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import {
	ConfigError,
	fillNamespace,
	type Namespace,
	type NodeContext,
	type Store,
} from "../index.ts";
import { shown } from "../shown.ts";
import { checkCount, invalidOption } from "./check-options.ts";
import type { MessagesState } from "./llm-node.ts";
import { memoryText } from "./memory-tools.ts";

const MEMORY_KEYS = keysOf<AgentMemoryOptions>({
	store: true,
	namespace: true,
	limit: true,
	query: true,
});

/** `createAgent`'s `memory`, checked when the agent is made (`memory: 5` was taken, and failed each call). */
export function checkMemory(memory: unknown): void {
	if (memory === undefined) return;
	const hint =
		'pass e.g. memory: { namespace: ["memories", "{userId}"] }, or leave it out';
	if (typeof memory !== "object" || memory === null || Array.isArray(memory))
		throw invalidOption(
			"createAgent",
			`memory must be an object with a namespace, not ${shown(memory)}`,
			hint,
		);
	refuseUnknownKeys(memory, MEMORY_KEYS, "createAgent memory");
	const m = memory as Record<string, unknown>;
	if (
		!Array.isArray(m.namespace) ||
		!m.namespace.every((label) => typeof label === "string")
	)
		throw invalidOption(
			"createAgent",
			`memory.namespace must be a list of labels, not ${m.namespace === undefined ? "missing" : shown(m.namespace)}`,
			hint,
		);
	checkCount("createAgent", "memory.limit", m.limit, 5);
	if (m.query !== undefined && typeof m.query !== "function")
		throw invalidOption(
			"createAgent",
			`memory.query must be a function of the state, not ${shown(m.query)}`,
			"pass e.g. query: (state) => state.messages.at(-1)?.text, or leave it out for the last human message",
		);
	const store = m.store as { search?: unknown } | null | undefined;
	if (
		store !== undefined &&
		(typeof store !== "object" ||
			store === null ||
			typeof store.search !== "function")
	)
		throw invalidOption(
			"createAgent",
			`memory.store must be a store, not ${shown(store)}`,
			"pass a Store (e.g. new MemoryStore()), or leave it out for the run's store",
		);
}

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
