// Model-call spans and metrics after the OpenTelemetry GenAI semantic conventions.
import type { AIMessage, BaseMessage } from "@langchain/core/messages";
import {
	type Attributes,
	type Counter,
	context,
	createNoopMeter,
	type Histogram,
	type MeterProvider,
	metrics,
	type Span,
	SpanKind,
	SpanStatusCode,
	trace,
} from "@opentelemetry/api";
import { isWeftError, type NodeContext, telemetrySettings } from "../index.ts";
import {
	type AnswerInfo,
	answerInfo,
	modelNameOf,
	providerOf,
} from "./model-answer.ts";

interface ModelInstruments {
	on: boolean;
	duration: Histogram;
	tokenUsage: Histogram;
	tokens: Counter;
	cost: Counter;
	calls: Counter;
}

const NOOP_HISTOGRAM = createNoopMeter().createHistogram("weft.probe");
let cached: { provider: MeterProvider; m: ModelInstruments } | undefined;

function instruments(): ModelInstruments {
	const provider = metrics.getMeterProvider();
	if (cached?.provider === provider) return cached.m;
	const meter = provider.getMeter("@weft/graph");
	const duration = meter.createHistogram("gen_ai.client.operation.duration", {
		unit: "s",
		description: "GenAI operation duration",
	});
	const m: ModelInstruments = {
		on: duration !== NOOP_HISTOGRAM,
		duration,
		tokenUsage: meter.createHistogram("gen_ai.client.token.usage", {
			unit: "{token}",
			description: "Measures number of input and output tokens used",
		}),
		tokens: meter.createCounter("weft.model.tokens", {
			unit: "{token}",
			description: "Tokens of model calls, by type (input, output, cached)",
		}),
		cost: meter.createCounter("weft.model.cost", {
			unit: "USD",
			description: "Cost of model calls",
		}),
		calls: meter.createCounter("weft.model.calls", {
			unit: "{call}",
			description:
				"Model calls by outcome (ok, error, cache_hit, fallback, retried)",
		}),
	};
	cached = { provider, m };
	return m;
}

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
	const parent = context.active();
	const span = trace.getTracer("@weft/graph").startSpan(
		`chat ${requested ?? "model"}`,
		{
			kind: SpanKind.CLIENT,
			attributes: requestAttributes(ctx, model, requested),
		},
		parent,
	);
	const recording = span.isRecording();
	const capture = recording && telemetrySettings().captureContent;
	if (capture)
		span.setAttribute(
			"gen_ai.input.messages",
			JSON.stringify(input.map(asPart)),
		);
	const m = instruments();
	const t0 = performance.now();
	try {
		const message = recording
			? await context.with(trace.setSpan(parent, span), call)
			: await call();
		const durationMs = performance.now() - t0;
		const info = answerInfo(model, message);
		if (recording) endOk(span, info, capture ? message : undefined);
		if (m.on) recordOk(m, requested, info, durationMs);
		return { message, info, durationMs };
	} catch (error) {
		const type = isWeftError(error) ? error.code : errorName(error);
		if (recording) endError(span, error, type);
		if (m.on) {
			const a = { ...metricAttributes(requested), "error.type": type };
			m.duration.record((performance.now() - t0) / 1000, a);
			m.calls.add(1, { ...a, "weft.outcome": "error" });
		}
		throw error;
	}
}

function requestAttributes(
	ctx: NodeContext,
	model: unknown,
	requested: string | undefined,
): Attributes {
	const a: Attributes = {
		"gen_ai.operation.name": "chat",
		"weft.node": ctx.node,
		"weft.step": ctx.step,
	};
	const provider = providerOf(model);
	if (provider !== undefined) a["gen_ai.provider.name"] = provider;
	if (requested !== undefined) a["gen_ai.request.model"] = requested;
	if (ctx.threadId !== undefined) a["weft.thread_id"] = ctx.threadId;
	return a;
}

function endOk(
	span: Span,
	info: AnswerInfo,
	content: AIMessage | undefined,
): void {
	const a: Attributes = {
		"gen_ai.usage.input_tokens": info.inputTokens,
		"gen_ai.usage.output_tokens": info.outputTokens,
	};
	if (info.model !== undefined) a["gen_ai.response.model"] = info.model;
	if (info.responseId !== undefined) a["gen_ai.response.id"] = info.responseId;
	if (info.finishReason !== undefined)
		a["gen_ai.response.finish_reasons"] = [info.finishReason];
	if (info.cachedTokens > 0)
		a["gen_ai.usage.cache_read.input_tokens"] = info.cachedTokens;
	if (info.costUsd !== undefined) a["weft.cost_usd"] = info.costUsd;
	if (info.weft?.cache !== undefined)
		a["weft.cache_hit"] = info.weft.cache === "hit";
	if (typeof info.weft?.attempts === "number")
		a["weft.model.attempts"] = info.weft.attempts;
	if (typeof info.weft?.route === "string")
		a["weft.model.route"] = info.weft.route;
	if (info.weft?.fallback === true) a["weft.model.fallback"] = true;
	if (content !== undefined)
		a["gen_ai.output.messages"] = JSON.stringify([asPart(content)]);
	span.setAttributes(a);
	span.setStatus({ code: SpanStatusCode.OK });
	span.end();
}

function endError(span: Span, error: unknown, type: string): void {
	span.setAttribute("error.type", type);
	if (isWeftError(error)) span.setAttribute("weft.error.code", error.code);
	if (error instanceof Error) span.recordException(error);
	span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
	span.end();
}

function recordOk(
	m: ModelInstruments,
	requested: string | undefined,
	info: AnswerInfo,
	durationMs: number,
): void {
	const a = metricAttributes(requested, info.model);
	m.duration.record(durationMs / 1000, a);
	m.tokenUsage.record(info.inputTokens, { ...a, "gen_ai.token.type": "input" });
	m.tokenUsage.record(info.outputTokens, {
		...a,
		"gen_ai.token.type": "output",
	});
	m.tokens.add(info.inputTokens, { ...a, "gen_ai.token.type": "input" });
	m.tokens.add(info.outputTokens, { ...a, "gen_ai.token.type": "output" });
	if (info.cachedTokens > 0)
		m.tokens.add(info.cachedTokens, { ...a, "gen_ai.token.type": "cached" });
	if (info.costUsd !== undefined && info.costUsd > 0)
		m.cost.add(info.costUsd, a);
	const attempts = info.weft?.attempts;
	const outcome =
		info.weft?.cache === "hit"
			? "cache_hit"
			: info.weft?.fallback === true
				? "fallback"
				: typeof attempts === "number" && attempts > 1
					? "retried"
					: "ok";
	m.calls.add(1, { ...a, "weft.outcome": outcome });
}

function metricAttributes(
	requested: string | undefined,
	answered?: string,
): Attributes {
	const a: Attributes = { "gen_ai.operation.name": "chat" };
	if (requested !== undefined) a["gen_ai.request.model"] = requested;
	if (answered !== undefined) a["gen_ai.response.model"] = answered;
	return a;
}

/** A message as the GenAI conventions' `{ role, parts }` (text parts and tool calls). */
function asPart(m: BaseMessage): Record<string, unknown> {
	const parts: unknown[] = [{ type: "text", content: m.text }];
	for (const c of (m as AIMessage).tool_calls ?? [])
		parts.push({
			type: "tool_call",
			id: c.id,
			name: c.name,
			arguments: c.args,
		});
	return { role: roleOf(m.getType()), parts };
}

function roleOf(type: string): string {
	if (type === "human") return "user";
	if (type === "ai") return "assistant";
	return type;
}

const errorName = (e: unknown) => (e instanceof Error ? e.name : "Error");
const errorMessage = (e: unknown) =>
	e instanceof Error ? e.message : String(e);
