import { randomUUID } from "node:crypto";
import {
	AIMessage,
	mapChatMessagesToStoredMessages,
	mapStoredMessagesToChatMessages,
} from "@langchain/core/messages";
import { thrownMessage } from "@weft/checkpoint";
import { responseCacheKey } from "../cache/cache-key.ts";
import type {
	CachedResponse,
	ResponseCacheStore,
} from "../cache/response-cache-store.ts";
import { temperatureOf } from "../routing/model-entry.ts";
import type { PreparedCall } from "./prepare-call.ts";
import type { Emit, ResolvedConfig } from "./resolved-config.ts";
import { toolsForKey } from "./tools.ts";

/** How long a lookup waits for the store by default (`CacheOptions.readTimeoutMs`). */
export const CACHE_READ_TIMEOUT_MS = 1000;

const PARAM_FIELDS = [
	"model",
	"modelName",
	"temperature",
	"maxTokens",
	"topP",
	"topK",
	"frequencyPenalty",
	"presencePenalty",
	"seed",
	"reasoningEffort",
];

/** The cache key of a call to `name`, or the reason it is not cached. */
export function cacheKeyFor(
	cfg: ResolvedConfig,
	call: PreparedCall,
	name: string,
): { key: string } | { bypass: string } {
	if (cfg.cache === undefined) return { bypass: "cache off" };
	if (call.cacheOverride === false)
		return { bypass: "cache: false in call options" };
	const entry = cfg.entries[name]!;
	// a temperature given with the call is the one the model answers at
	const given = call.passthrough.temperature;
	const temperature = typeof given === "number" ? given : temperatureOf(entry);
	if (
		call.cacheOverride !== true &&
		!cfg.cache.allowNonZeroTemperature &&
		temperature !== 0
	) {
		return {
			bypass:
				temperature === undefined
					? "temperature unknown (declare temperature: 0 on the entry)"
					: `temperature ${temperature} > 0`,
		};
	}
	const model = entry.model as unknown as Record<string, unknown>;
	const params: Record<string, unknown> = { temperature };
	for (const f of PARAM_FIELDS) {
		const v = model[f];
		if (
			typeof v === "string" ||
			typeof v === "number" ||
			typeof v === "boolean"
		)
			params[f] = v;
	}
	params.tools = toolsForKey(call.tools);
	params.toolChoice = call.toolChoice;
	params.call = call.passthrough;
	return { key: responseCacheKey(name, params, call.messages) };
}

/** What a lookup found: the key to store the answer under, and a readable hit with its answer. */
export interface Lookup {
	key: string | undefined;
	hit: CachedResponse | undefined;
	/** The hit's answer, with ids of its own (`restore`). */
	answer: AIMessage | undefined;
}

/**
 * Looks the call up; emits hit, miss or bypass. A cache that cannot be read (down, or an entry that does
 * not read: it is dropped) is a miss, with the reason: a cache never fails a call.
 */
export async function lookup(
	cfg: ResolvedConfig,
	call: PreparedCall,
	name: string,
	emit: Emit,
): Promise<Lookup> {
	const k = cacheKeyFor(cfg, call, name);
	if ("bypass" in k) {
		if (cfg.cache !== undefined)
			emit({
				type: "cache",
				callId: call.callId,
				model: name,
				result: "bypass",
				reason: k.bypass,
			});
		return { key: undefined, hit: undefined, answer: undefined };
	}
	const { store: cacheStore, readTimeoutMs } = cfg.cache!;
	let reason: string | undefined;
	let hit: CachedResponse | undefined;
	let answer: AIMessage | undefined;
	try {
		// null is "no entry" too, as key-value stores (Redis clients) answer it (decision 0263)
		hit =
			(await boundedRead(cacheStore, k.key, readTimeoutMs, call.signal)) ??
			undefined;
	} catch (error) {
		// the caller's abort cancels the call (RUN_CANCELLED); a read that fails or takes too long is a miss
		if (call.signal?.aborted) throw call.signal.reason;
		reason = `the cache could not be read: ${thrownMessage(error)}`;
	}
	if (hit !== undefined) {
		try {
			answer = restore(readable(hit));
		} catch (error) {
			hit = undefined;
			reason = `the cached entry does not read (${thrownMessage(error)}): dropped`;
			forget(cacheStore, k.key);
		}
	}
	emit({
		type: "cache",
		callId: call.callId,
		model: name,
		result: answer === undefined ? "miss" : "hit",
		...(reason === undefined ? {} : { reason }),
	});
	return { key: k.key, hit, answer };
}

/**
 * The store's entry under `key`, waited for no longer than `ms` and no longer than `signal` lets: a store
 * whose `get` never settles (a connection that hangs) would hold the call for ever. Rejects with the
 * signal's reason when it aborts, with an Error after `ms`.
 */
function boundedRead(
	cacheStore: ResponseCacheStore,
	key: string,
	ms: number,
	signal: AbortSignal | undefined,
): Promise<CachedResponse | undefined | null> {
	if (signal?.aborted) return Promise.reject(signal.reason);
	let read: Promise<CachedResponse | undefined | null>;
	try {
		read = Promise.resolve(cacheStore.get(key));
	} catch (error) {
		return Promise.reject(error);
	}
	return new Promise((resolve, reject) => {
		const settle = () => {
			clearTimeout(timer);
			signal?.removeEventListener("abort", onAbort);
		};
		const onAbort = () => {
			settle();
			reject(signal?.reason);
		};
		const timer = setTimeout(() => {
			settle();
			reject(
				new Error(`no answer within ${ms} ms (cache.readTimeoutMs): a miss`),
			);
		}, ms);
		signal?.addEventListener("abort", onAbort, { once: true });
		read.then(
			(value) => {
				settle();
				resolve(value);
			},
			(error: unknown) => {
				settle();
				reject(error);
			},
		);
	});
}

/** Deletes an entry without waiting: a store that fails or hangs costs the entry, never the call. */
export function forget(cacheStore: ResponseCacheStore, key: string): void {
	try {
		Promise.resolve(cacheStore.delete(key)).catch(() => {});
	} catch {
		// a store whose delete throws at once: the entry stays, as one that fails later
	}
}

/** `hit` if it holds what a hit is served from (a store's row may hold anything), else throws why not. */
function readable(hit: CachedResponse): CachedResponse {
	const e = hit as Partial<Record<keyof CachedResponse, unknown>> | null;
	if (typeof e !== "object" || e === null) throw new Error("not an object");
	if (typeof e.message !== "object" || e.message === null)
		throw new Error("no message");
	for (const field of ["inputTokens", "outputTokens"] as const)
		if (typeof e[field] !== "number") throw new Error(`no ${field}`);
	if (
		e.costUsd !== undefined &&
		e.costUsd !== null &&
		typeof e.costUsd !== "number"
	)
		throw new Error("costUsd is not a number");
	return hit;
}

/**
 * The AIMessage of a cached response. Each hit is an answer of its own, with ids of its own: the cached
 * message id would make a thread's messages channel (which replaces a message by id) overwrite the earlier
 * answer it was cached from, and a tool call id seen twice in one conversation is refused by providers
 * (and would pair a tool's result with the wrong call).
 */
function restore(hit: CachedResponse): AIMessage {
	const [m] = mapStoredMessagesToChatMessages([hit.message as never]);
	if (!(m instanceof AIMessage))
		return new AIMessage({
			content: m?.content ?? "",
			id: `cached-${randomUUID()}`,
		});
	const renamed = new Map<string, string>();
	const fresh = (id: string | undefined) => {
		const next = `call_cached_${randomUUID().replaceAll("-", "")}`;
		if (id !== undefined) renamed.set(id, next);
		return next;
	};
	const toolCalls = m.tool_calls?.map((c) => ({ ...c, id: fresh(c.id) }));
	const raw = m.additional_kwargs.tool_calls;
	return new AIMessage({
		content: m.content,
		id: `cached-${randomUUID()}`,
		...(m.name === undefined ? {} : { name: m.name }),
		...(toolCalls === undefined ? {} : { tool_calls: toolCalls }),
		...(m.invalid_tool_calls === undefined
			? {}
			: { invalid_tool_calls: m.invalid_tool_calls }),
		...(m.usage_metadata === undefined
			? {}
			: { usage_metadata: m.usage_metadata }),
		response_metadata: m.response_metadata,
		// a provider's own copy of the calls (OpenAI's form) names them by the same ids
		additional_kwargs:
			raw === undefined
				? m.additional_kwargs
				: {
						...m.additional_kwargs,
						tool_calls: raw.map((c) => ({
							...c,
							id: renamed.get(c.id) ?? c.id,
						})),
					},
	});
}

/**
 * Stores an answer under `key`: the answer the caller got, after output guards (a repaired answer as
 * repaired). The call waits for the write, at most `cache.readTimeoutMs` (decision 0244): a process that
 * ends right after the call keeps the entry, and a store that hangs holds the answer no longer than a
 * lookup. A store that fails (or is slower) loses the entry, not the answer: a cache event `error` with
 * the reason, sent during the call. Never rejects, unless an event listener throws.
 */
export async function store(
	cfg: ResolvedConfig,
	key: string,
	model: string,
	answer: AIMessage,
	usage: { input: number; output: number; costUsd: number | undefined },
	callId: string,
	emit: Emit,
): Promise<void> {
	const failed = (reason: string) =>
		emit({ type: "cache", callId, model, result: "error", reason });
	const { store: cacheStore, ttlMs, readTimeoutMs } = cfg.cache!;
	let write: Promise<unknown>;
	try {
		const [message] = mapChatMessagesToStoredMessages([answer]);
		write = Promise.resolve(
			cacheStore.set(
				key,
				{
					message,
					model,
					inputTokens: usage.input,
					outputTokens: usage.output,
					costUsd: usage.costUsd,
					createdAt: Date.now(),
				},
				ttlMs,
			),
		);
	} catch (error) {
		failed(`the answer could not be cached: ${thrownMessage(error)}`);
		return;
	}
	const outcome = await settledWithin(write, readTimeoutMs);
	if (outcome === "late")
		failed(
			`the answer was not cached within ${readTimeoutMs} ms (cache.readTimeoutMs): not waited for longer, the entry may land later`,
		);
	else if (outcome !== "done")
		failed(`the answer could not be cached: ${thrownMessage(outcome.error)}`);
}

/** How `work` settled within `ms`: done, failed, or late (a late failure is handled, and dropped). */
function settledWithin(
	work: Promise<unknown>,
	ms: number,
): Promise<"done" | "late" | { error: unknown }> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<"late">((resolve) => {
		timer = setTimeout(() => resolve("late"), ms);
	});
	return Promise.race([
		work.then(
			() => "done" as const,
			(error: unknown) => ({ error }),
		),
		late,
	]).finally(() => clearTimeout(timer));
}
