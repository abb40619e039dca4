// Model-call spans after the OpenTelemetry GenAI semantic conventions (`chat {model}`); their metrics are
// model-call-metrics.ts.
import type { AIMessage, BaseMessage } from "@langchain/core/messages";
import type { Attributes, Context, Span } from "@opentelemetry/api";
import { conventionProvider, providerOf } from "@weft/checkpoint";
import { type NodeContext, telemetrySettings } from "../index.ts";
import {
	activeContext,
	contained,
	startSpan,
	withContext,
} from "../telemetry/contained.ts";
import {
	errorType,
	recordError,
	recordTaskError,
} from "../telemetry/errors.ts";
import {
	KIND_CLIENT,
	otelApi,
	tracer as registeredTracer,
	STATUS_OK,
} from "../telemetry/otel-api.ts";
import { conventionFinishReason } from "./finish-reason.ts";
import { asPart } from "./genai-messages.ts";
import {
	type AnswerInfo,
	answerInfo,
	modelNameOf,
	usageOf,
} from "./model-answer.ts";
import {
	type ModelInstruments,
	modelInstruments,
	recordFailed,
	recordOk,
	recordSideCalls,
} from "./model-call-metrics.ts";

/**
 * Makes one model call under a `chat {model}` span (a child of the node's span) and records its metrics;
 * returns the answer, what it says about the call, and how long the call took.
 */
export async function observeModelCall(
	ctx: NodeContext,
	model: unknown,
	input: BaseMessage[],
	call: () => Promise<AIMessage>,
): Promise<{ message: AIMessage; info: AnswerInfo; durationMs: number }> {
	const requested = modelNameOf(model);
	const tracer = registeredTracer();
	const m = modelInstruments();
	// the span's and the metrics' `gen_ai.provider.name` (looked up only when something records it)
	const provider =
		tracer !== undefined || m?.on === true
			? conventionProvider(providerOf(model))
			: undefined;
	// no tracer provider: no span, no attributes built
	let span: Span | undefined;
	let parent: Context | undefined;
	if (tracer !== undefined) {
		// a tracer means the API is loaded
		const api = otelApi()!;
		parent = activeContext(api);
		const s = startSpan(
			tracer,
			`chat ${requested ?? "model"}`,
			{
				kind: KIND_CLIENT,
				attributes: requestAttributes(ctx, provider, requested),
			},
			parent,
		);
		if (s?.isRecording() === true) {
			span = s;
			parent = api.trace.setSpan(parent, s);
		}
	}
	const capture = span !== undefined && telemetrySettings().captureContent;
	if (capture)
		try {
			span!.setAttribute(
				"gen_ai.input.messages",
				JSON.stringify(input.map(asPart)),
			);
		} catch (error) {
			contained(error); // contents JSON cannot hold (a BigInt, a cycle): left out
		}
	const t0 = performance.now();
	let message: AIMessage;
	let durationMs: number;
	let info: AnswerInfo;
	try {
		message =
			span !== undefined
				? await withContext(otelApi()!.context, parent!, call)
				: await call();
		durationMs = performance.now() - t0;
		info = answerInfo(model, message);
	} catch (error) {
		failed(span, m, provider, requested, error, t0, ctx);
		throw error;
	}
	// an answer without usage metadata: its token counts are unknown, not 0
	const usage = usageOf(message) !== undefined;
	// telemetry never fails a call that answered
	if (span !== undefined)
		try {
			endOk(span, info, message, capture, usage);
		} catch (error) {
			contained(error);
		}
	if (m?.on)
		try {
			recordOk(m, provider, requested, info, durationMs, usage);
		} catch (error) {
			contained(error);
		}
	return { message, info, durationMs };
}

/** Ends the span of a call that threw and records its metrics (what the SDK throws contained). */
function failed(
	span: Span | undefined,
	m: ModelInstruments | undefined,
	provider: string | undefined,
	requested: string | undefined,
	error: unknown,
	t0: number,
	ctx: NodeContext,
): void {
	if (span !== undefined)
		try {
			// stopped by the run (cancelled, timed out, its lease lost): what the run calls it, as the node's
			// and a tool call's spans do; a model's own failure has no Weft code
			if (ctx.signal.aborted) recordTaskError(span, error, ctx.signal);
			else recordError(span, error);
			// a router's failure lists the attempts it made (`ModelError.attempts`), as its answer counts them
			const attempts = (error as { attempts?: unknown } | null)?.attempts;
			if (Array.isArray(attempts))
				span.setAttribute("weft.model.attempts", attempts.length);
			span.end();
		} catch (thrown) {
			contained(thrown);
		}
	if (m?.on)
		try {
			recordFailed(
				m,
				provider,
				requested,
				errorType(error),
				(performance.now() - t0) / 1000,
			);
			// what the failed call paid for before it failed, as the run's usage counts it (reportSpent)
			recordSideCalls(
				m,
				(error as { spentCalls?: unknown } | null)?.spentCalls,
			);
		} catch (thrown) {
			contained(thrown);
		}
}

function requestAttributes(
	ctx: NodeContext,
	provider: string | undefined,
	requested: string | undefined,
): Attributes {
	const a: Attributes = {
		"gen_ai.operation.name": "chat",
		"weft.node": ctx.node,
		"weft.step": ctx.step,
	};
	if (provider !== undefined) a["gen_ai.provider.name"] = provider;
	if (requested !== undefined) a["gen_ai.request.model"] = requested;
	if (ctx.threadId !== undefined) {
		a["weft.thread_id"] = ctx.threadId;
		// the conventions' conversation (session, thread) id: required when available
		a["gen_ai.conversation.id"] = ctx.threadId;
	}
	return a;
}

function endOk(
	span: Span,
	info: AnswerInfo,
	answer: AIMessage,
	capture: boolean,
	usage: boolean,
): void {
	const finishReason = conventionFinishReason(info.finishReason, answer);
	// one setAttribute each: no attribute object built and walked per call; token counts only when the
	// answer reported them
	if (usage) {
		span.setAttribute("gen_ai.usage.input_tokens", info.inputTokens);
		span.setAttribute("gen_ai.usage.output_tokens", info.outputTokens);
	}
	if (info.model !== undefined)
		span.setAttribute("gen_ai.response.model", info.model);
	if (info.responseId !== undefined)
		span.setAttribute("gen_ai.response.id", info.responseId);
	span.setAttribute("gen_ai.response.finish_reasons", [finishReason]);
	if (info.cachedTokens > 0)
		span.setAttribute(
			"gen_ai.usage.cache_read.input_tokens",
			info.cachedTokens,
		);
	if (info.costUsd !== undefined)
		span.setAttribute("weft.cost_usd", info.costUsd);
	const weft = info.weft;
	if (weft !== undefined) {
		if (weft.cache !== undefined)
			span.setAttribute("weft.cache_hit", weft.cache === "hit");
		if (typeof weft.attempts === "number")
			span.setAttribute("weft.model.attempts", weft.attempts);
		if (typeof weft.route === "string")
			span.setAttribute("weft.model.route", weft.route);
		if (weft.fallback === true) span.setAttribute("weft.model.fallback", true);
	}
	if (capture)
		try {
			// an output message carries its finish reason (the conventions' schema requires it)
			const output = asPart(answer);
			output.finish_reason = finishReason;
			span.setAttribute("gen_ai.output.messages", JSON.stringify([output]));
		} catch (error) {
			contained(error); // contents JSON cannot hold: left out, the span still ends
		}
	span.setStatus({ code: STATUS_OK });
	span.end();
}
