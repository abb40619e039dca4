import type { RunnableConfig } from "@langchain/core/runnables";
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { invalidOption, keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import { z } from "zod";
import { fillNamespace, type Namespace, type Store } from "../index.ts";

export interface MemoryToolsOptions {
	/**
	 * Where the memories live. Labels like `"{userId}"` are filled from the run's context at each call (a
	 * missing value is an error answer, never another user's namespace).
	 */
	namespace: Namespace;
	/** Memories a `recall` returns (default 5). */
	limit?: number | undefined;
	/** Remembered items expire after this long (default: never). */
	ttlMs?: number | undefined;
}

const OPTION_KEYS = keysOf<MemoryToolsOptions>({
	namespace: true,
	limit: true,
	ttlMs: true,
});

/** The longest ttlMs a store's put takes (1,000 years). */
const MAX_TTL_MS = 1000 * 365 * 86_400_000;

const shown = (v: unknown) =>
	typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));

/**
 * Checks memoryTools' options when the tools are made (`CONFIG_INVALID`): a misspelt `{ ttl }` was
 * ignored (the memories kept for ever), and `ttlMs: -5` was taken, every `remember` failing after.
 */
function checkOptions(options: unknown): MemoryToolsOptions {
	const example =
		'memoryTools(store, { namespace: ["users", "{userId}", "memories"] })';
	if (typeof options !== "object" || options === null || Array.isArray(options))
		throw invalidOption(
			`memoryTools needs options with a namespace, not ${shown(options)}`,
			`pass ${example}`,
		);
	refuseUnknownKeys(options, OPTION_KEYS, "memoryTools");
	const { namespace, limit, ttlMs } = options as Record<string, unknown>;
	if (
		!Array.isArray(namespace) ||
		!namespace.every((l) => typeof l === "string")
	)
		throw invalidOption(
			`memoryTools: namespace must be a list of labels, not ${shown(namespace)}`,
			`pass ${example}`,
		);
	if (
		limit !== undefined &&
		(typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1)
	)
		throw invalidOption(
			`memoryTools: limit must be a whole number ≥ 1, not ${shown(limit)}`,
			"pass how many memories a recall returns, or leave it out for 5",
		);
	if (
		ttlMs !== undefined &&
		(typeof ttlMs !== "number" || !(ttlMs > 0) || !(ttlMs <= MAX_TTL_MS))
	)
		throw invalidOption(
			`memoryTools: ttlMs must be a positive number of milliseconds up to ${MAX_TTL_MS} (1,000 years), not ${shown(ttlMs)}`,
			"pass how long a remembered item is kept, in milliseconds, or leave it out to keep memories",
		);
	return options as MemoryToolsOptions;
}

/** The run's context as toolNode passes it (`config.configurable`). */
function contextOf(
	config: RunnableConfig | undefined,
): Record<string, unknown> {
	return (config?.configurable ?? {}) as Record<string, unknown>;
}

/** What a memory's text is: the `text` field of an object value, or the value as JSON. */
export function memoryText(value: unknown): string {
	if (typeof value === "string") return value;
	if (typeof value === "object" && value !== null && "text" in value)
		return String((value as { text: unknown }).text);
	return JSON.stringify(value);
}

/**
 * Ready tools over a store for an agent's long-term memory: `remember` (saves a fact, returns its key),
 * `recall` (searches, returns the best matches with their keys) and `forget` (deletes by key). In `toolNode`
 * and `createAgent` each call runs once per task, so a resumed run does not save twice.
 * @example
 * const agent = createAgent({ model, tools: memoryTools(store, { namespace: ["users", "{userId}", "memories"] }) });
 * await agent.invoke(input, { threadId, context: { userId: "u1" } });
 */
export function memoryTools(
	store: Store,
	given: MemoryToolsOptions,
): StructuredToolInterface[] {
	const options = checkOptions(given);
	const ns = (config: RunnableConfig | undefined) =>
		fillNamespace(options.namespace, contextOf(config));
	const remember = tool(
		async ({ text, key }, config) => {
			const k = key ?? process.getBuiltinModule("node:crypto").randomUUID();
			await store.put(ns(config), k, { text }, { ttlMs: options.ttlMs });
			return `remembered as "${k}"`;
		},
		{
			name: "remember",
			description:
				"Save a fact worth knowing in later conversations (a preference, a decision, a result). Give a key to replace an earlier memory.",
			schema: z.object({
				text: z.string().min(1).describe("the fact, in one or two sentences"),
				key: z
					.string()
					.min(1)
					.optional()
					.describe("reuse a key to update that memory"),
			}),
		},
	);
	const recall = tool(
		async ({ query }, config) => {
			const hits = await store.search(ns(config), {
				query,
				limit: options.limit ?? 5,
			});
			if (hits.length === 0) return "no memories match";
			return hits.map((h) => `[${h.key}] ${memoryText(h.value)}`).join("\n");
		},
		{
			name: "recall",
			description:
				"Search long-term memory for facts saved in earlier conversations.",
			schema: z.object({
				query: z.string().min(1).describe("what to look for"),
			}),
		},
	);
	const forget = tool(
		async ({ key }, config) =>
			(await store.delete(ns(config), key))
				? `forgot "${key}"`
				: `no memory "${key}"`,
		{
			name: "forget",
			description: "Delete a memory by its key (shown in brackets by recall).",
			schema: z.object({ key: z.string().min(1) }),
		},
	);
	return [remember, recall, forget];
}
