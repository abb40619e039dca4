import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { AIMessage, AIMessageChunk } from "@langchain/core/messages";
import { ChatGenerationChunk } from "@langchain/core/outputs";
import { isWeftError, thrownMessage } from "@weft/checkpoint";
import { ModelError } from "../errors.ts";
import { describeError } from "../resilience/classify-error.ts";
import { runChain } from "../resilience/run-chain.ts";
import { cacheKeyFor, lookup, store } from "./cache-step.ts";
import { finishCall, priceCall, recordUsage, usageOf } from "./finish-call.ts";
import { streamEntry } from "./invoke-entry.ts";
import { answerText, isEmptyChunk, withoutUsage } from "./message-parts.ts";
import type { PreparedCall } from "./prepare-call.ts";
import type { Emit, ResolvedConfig } from "./resolved-config.ts";
import { chainOptions, runCall } from "./run-call.ts";
import { nextWithin, streamIdleMs } from "./stream-idle.ts";

/**
 * A provider failing after the first chunk (a reset connection) cannot be retried or sent elsewhere:
 * it is a ModelError (MODEL_UNAVAILABLE) naming the model and how far the stream got.
 */
function midStream(
	error: unknown,
	model: string,
	attempt: number,
	sent: number,
	signal: AbortSignal | undefined,
): unknown {
	if (isWeftError(error) || signal?.aborted === true) return error;
	const info = describeError(error);
	return new ModelError(
		"MODEL_UNAVAILABLE",
		`model "${model}" failed after ${sent} streamed chunk(s): ${thrownMessage(error)}`,
		{
			model,
			cause: error,
			attempts: [
				{
					model,
					attempt,
					kind: info.kind,
					status: info.status,
					message: info.message,
				},
			],
			hint: "a stream that already sent chunks is not retried or sent to a fallback model (the caller has the partial answer); retry the call",
		},
	);
}

const whole = (m: AIMessageChunk) =>
	new ChatGenerationChunk({ text: answerText(m), message: m });

/**
 * A streaming call: tokens pass through as the model sends them (empty ones dropped), then one empty
 * chunk carries usage and `response_metadata.weft`. Retries and fallback happen only before the first chunk.
 * A cache hit, or any output guard (which must see the whole answer), yields the answer as one chunk.
 */
export async function* streamCall(
	cfg: ResolvedConfig,
	call: PreparedCall,
	emit: Emit,
	runManager?: CallbackManagerForLLMRun,
): AsyncGenerator<ChatGenerationChunk> {
	if (cfg.guards.some((g) => g.stages.includes("output"))) {
		yield whole(await runCall(cfg, call, emit));
		return;
	}
	const primary = call.decision.models[0]!;
	const cached = await lookup(cfg, call, primary, emit);
	if (cached.hit !== undefined && cached.answer !== undefined) {
		const zero = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
		yield whole(
			finishCall(cfg, call, emit, {
				model: primary,
				attempts: 0,
				answer: cached.answer,
				usage: zero,
				counted: false,
				cache: "hit",
				savedUsd: cached.hit.costUsd,
			}),
		);
		return;
	}
	const chain = await runChain(
		chainOptions(cfg, call, emit, (name, entry, signal) =>
			streamEntry(name, entry, call, signal),
		),
	);
	let all: AIMessageChunk | undefined;
	// An empty inner chunk (a provider's usage-only ending) is not passed on: its metadata rides on our last chunk.
	let heldMetadata: Record<string, unknown> = {};
	let released = false;
	let sent = 0;
	// the attempt's callbacks run (decision 0132): a reader that stops early ends it with what arrived
	let runOpen = chain.value.run !== undefined;
	// after the first chunk, each wait for the next is bounded: a stream that stalls does not hang its reader
	const idleMs = streamIdleMs(cfg, cfg.entries[chain.model]!);
	const next = () =>
		nextWithin(
			chain.value.rest,
			idleMs,
			{ model: chain.model, attempt: chain.attempts, sent },
			chain.value.stop,
		);
	try {
		for (let r = chain.value.first; r.done !== true; r = await next()) {
			all = all === undefined ? r.value : all.concat(r.value);
			if (isEmptyChunk(r.value)) {
				heldMetadata = { ...heldMetadata, ...r.value.response_metadata };
				continue;
			}
			const chunk = withoutUsage(r.value);
			const gen = new ChatGenerationChunk({
				text: answerText(chunk),
				message: chunk,
			});
			sent++;
			yield gen;
			await runManager?.handleLLMNewToken(
				gen.text,
				undefined,
				undefined,
				undefined,
				undefined,
				{ chunk: gen },
			);
		}
		const answer = all ?? new AIMessageChunk({ content: "" });
		runOpen = false;
		await chain.value.run?.end(answer);
		const { usage, counted } = await usageOf(
			cfg,
			chain.model,
			call.messages,
			answer,
		);
		chain.slot?.release(usage.total_tokens);
		released = true;
		const raw = new AIMessage({
			content: answer.content,
			tool_calls: answer.tool_calls ?? [],
			invalid_tool_calls: answer.invalid_tool_calls ?? [],
		});
		const k =
			chain.model === primary
				? cached.key
				: (() => {
						const c = cacheKeyFor(cfg, call, chain.model);
						return "key" in c ? c.key : undefined;
					})();
		if (k !== undefined) {
			const costUsd = priceCall(
				cfg,
				chain.model,
				cfg.entries[chain.model]!,
				usage,
			);
			await store(
				cfg,
				k,
				chain.model,
				raw,
				{
					input: usage.input_tokens,
					output: usage.output_tokens,
					costUsd,
				},
				call.callId,
				emit,
			);
		}
		const done = finishCall(cfg, call, emit, {
			model: chain.model,
			attempts: chain.attempts,
			answer: raw,
			usage,
			counted,
			cache: "miss",
			balance: chain.balance,
		});
		const last = new AIMessageChunk({
			content: "",
			response_metadata: {
				...heldMetadata,
				weft: done.response_metadata.weft,
			},
		});
		// AIMessageChunk's default structure types usage_metadata as undefined under exactOptionalPropertyTypes.
		(last as { usage_metadata?: unknown }).usage_metadata = usage;
		yield new ChatGenerationChunk({ text: "", message: last });
	} catch (error) {
		runOpen = false;
		await chain.value.run?.fail(error);
		throw midStream(error, chain.model, chain.attempts, sent, call.signal);
	} finally {
		if (runOpen)
			await chain.value.run?.end(all ?? new AIMessageChunk({ content: "" }));
		if (!released) {
			chain.slot?.release();
			// the stream broke, or its reader stopped early: what arrived was still paid for
			if (all !== undefined) {
				const { usage, counted } = await usageOf(
					cfg,
					chain.model,
					call.messages,
					all,
				);
				recordUsage(cfg, call, emit, {
					model: chain.model,
					attempts: chain.attempts,
					usage,
					counted,
					cache: "miss",
					balance: chain.balance,
				});
			}
		}
	}
}
