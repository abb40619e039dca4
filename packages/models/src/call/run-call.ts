import {
	AIMessage,
	type AIMessageChunk,
	type BaseMessage,
	type UsageMetadata,
} from "@langchain/core/messages";
import { addCost, isWeftError } from "@weft/checkpoint";
import { runGuards } from "../guardrails/guard.ts";
import { type ChainOptions, runChain } from "../resilience/run-chain.ts";
import { cacheKeyFor, forget, lookup, store } from "./cache-step.ts";
import {
	finishCall,
	priceCall,
	recordUsage,
	type Spent,
	sideCalls,
	usageOf,
} from "./finish-call.ts";
import { invokeEntry } from "./invoke-entry.ts";
import type { PreparedCall } from "./prepare-call.ts";
import type { Emit, ResolvedConfig } from "./resolved-config.ts";
import { guardModelCall } from "./side-call.ts";

function addUsage(a: UsageMetadata, b: UsageMetadata): UsageMetadata {
	const sum: UsageMetadata = {
		input_tokens: a.input_tokens + b.input_tokens,
		output_tokens: a.output_tokens + b.output_tokens,
		total_tokens: a.total_tokens + b.total_tokens,
	};
	// cache reads and writes stay priced at their own rates after a repair's tokens are added
	const read =
		(a.input_token_details?.cache_read ?? 0) +
		(b.input_token_details?.cache_read ?? 0);
	const written =
		(a.input_token_details?.cache_creation ?? 0) +
		(b.input_token_details?.cache_creation ?? 0);
	if (read > 0 || written > 0)
		sum.input_token_details = {
			...(read > 0 ? { cache_read: read } : {}),
			...(written > 0 ? { cache_creation: written } : {}),
		};
	return sum;
}

/** What a call hands the model chain, whether it invokes or streams (`attempt`). */
export function chainOptions<T>(
	cfg: ResolvedConfig,
	call: PreparedCall,
	emit: Emit,
	attempt: ChainOptions<T>["attempt"],
): ChainOptions<T> {
	return {
		callId: call.callId,
		models: call.decision.models,
		entries: cfg.entries,
		policy: cfg.policy,
		retry: cfg.retry,
		timeoutMs: cfg.timeoutMs,
		limiters: cfg.limiters,
		pools: cfg.pools,
		threadId: call.threadId,
		estimatedTokens: call.inputTokens,
		maxWaitMs: call.maxWaitMs,
		signal: call.signal,
		emit,
		random: cfg.random,
		attempt,
	};
}

/** Runs the chain for `messages`; the answer plus which model gave it and after how many attempts. */
export async function callChain(
	cfg: ResolvedConfig,
	call: PreparedCall,
	messages: BaseMessage[],
	emit: Emit,
) {
	const result = await runChain(
		chainOptions(cfg, call, emit, (name, entry, signal) =>
			invokeEntry(name, entry, call, messages, signal),
		),
	);
	const { usage, counted } = await usageOf(
		cfg,
		result.model,
		messages,
		result.value,
	);
	result.slot?.release(usage.total_tokens);
	return { ...result, usage, counted };
}

/** Output guards with a `retry` that asks the same route again (its attempts are added). */
export async function guardOutput(
	cfg: ResolvedConfig,
	call: PreparedCall,
	emit: Emit,
	answer: AIMessage,
	onRetry: (again: Awaited<ReturnType<typeof callChain>>) => void,
) {
	const retry = async (messages: BaseMessage[]) => {
		const again = await callChain(cfg, { ...call }, messages, emit);
		onRetry(again);
		return new AIMessage({
			content: again.value.content,
			tool_calls: again.value.tool_calls ?? [],
			invalid_tool_calls: again.value.invalid_tool_calls ?? [],
		});
	};
	const { output } = await runGuards(
		cfg.guards,
		{
			stage: "output",
			messages: call.messages,
			output: answer,
			retry,
			countCall: sideCalls(cfg, call, emit),
			callModel: guardModelCall(cfg, call.signal, call, emit),
			signal: call.signal,
		},
		emit,
		call.callId,
	);
	return output ?? answer;
}

/** A whole non-streaming call after preparation: cache, chain, output guards, usage. */
export async function runCall(
	cfg: ResolvedConfig,
	call: PreparedCall,
	emit: Emit,
): Promise<AIMessageChunk> {
	const primary = call.decision.models[0]!;
	const cached = await lookup(cfg, call, primary, emit);
	const { hit, answer: restored } = cached;
	if (hit !== undefined && restored !== undefined) {
		// nothing spent, unless an output guard repairs the cached answer with a paid call
		const spent: Spent = {
			model: primary,
			attempts: 0,
			usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
			counted: false,
			cache: "hit",
			savedUsd: hit.costUsd,
		};
		const answer = await guarded(cfg, call, emit, restored, spent).catch(
			async (error: unknown) => {
				// an entry the output guards now block is dropped: the next call asks the model again
				if (isWeftError(error, "GUARDRAIL_TRIPPED") && cached.key !== undefined)
					forget(cfg.cache!.store, cached.key);
				throw error;
			},
		);
		// an entry the output guards now change (stricter guards on a shared store) is replaced by the answer
		// given, so that the next hit does not pay for the same repair
		if (answer !== restored && cached.key !== undefined) {
			const repair = priceCall(
				cfg,
				primary,
				cfg.entries[primary]!,
				spent.usage,
			);
			await store(
				cfg,
				cached.key,
				primary,
				answer,
				{
					input: hit.inputTokens + spent.usage.input_tokens,
					output: hit.outputTokens + spent.usage.output_tokens,
					costUsd:
						hit.costUsd === undefined || repair === undefined
							? undefined
							: addCost(hit.costUsd, repair),
				},
				call.callId,
				emit,
			);
		}
		return finishCall(cfg, call, emit, { ...spent, answer });
	}
	const r = await callChain(cfg, call, call.messages, emit);
	const raw = new AIMessage({
		content: r.value.content,
		tool_calls: r.value.tool_calls ?? [],
		invalid_tool_calls: r.value.invalid_tool_calls ?? [],
		additional_kwargs: r.value.additional_kwargs,
		response_metadata: r.value.response_metadata,
		...(r.value.id === undefined ? {} : { id: r.value.id }),
	});
	const key =
		r.model === primary
			? cached.key
			: (() => {
					const k = cacheKeyFor(cfg, call, r.model);
					return "key" in k ? k.key : undefined;
				})();
	const spent: Spent = {
		model: r.model,
		attempts: r.attempts,
		usage: r.usage,
		counted: r.counted,
		cache: "miss",
		balance: r.balance,
	};
	// the output guards run first: an answer they block is not kept for the next call, and the one kept
	// is the answer given (repaired or rewritten), with what it cost in all, repair calls included
	const answer = await guarded(cfg, call, emit, raw, spent);
	if (key !== undefined) {
		const entry = cfg.entries[r.model]!;
		await store(
			cfg,
			key,
			r.model,
			answer,
			{
				input: spent.usage.input_tokens,
				output: spent.usage.output_tokens,
				costUsd: priceCall(cfg, r.model, entry, spent.usage),
			},
			call.callId,
			emit,
		);
	}
	return finishCall(cfg, call, emit, { ...spent, answer });
}

/**
 * `guardOutput` adding a repair's calls to `spent`; when a guard blocks the answer, what was spent is
 * recorded before the error goes on (the provider was paid for the blocked answer and any repair).
 */
async function guarded(
	cfg: ResolvedConfig,
	call: PreparedCall,
	emit: Emit,
	answer: AIMessage,
	spent: Spent,
): Promise<AIMessage> {
	try {
		return await guardOutput(cfg, call, emit, answer, (again) => {
			spent.attempts += again.attempts;
			spent.usage = addUsage(spent.usage, again.usage);
		});
	} catch (error) {
		if (spent.usage.total_tokens > 0) recordUsage(cfg, call, emit, spent);
		throw error;
	}
}
