// Model-call spans and metrics after the OpenTelemetry GenAI semantic conventions.
import type {
	AIMessage,
	BaseMessage,
	ToolMessage,
} from "@langchain/core/messages";
import type {
	Attributes,
	Context,
	Histogram,
	MeterProvider,
	Span,
} from "@opentelemetry/api";
import { isWeftError, type NodeContext, telemetrySettings } from "../index.ts";
import { contained, startSpan, withContext } from "../telemetry/contained.ts";
import { recordException } from "../telemetry/errors.ts";
import {
	KIND_CLIENT,
	otelApi,
	tracer as registeredTracer,
	SCOPE,
	STATUS_ERROR,
	STATUS_OK,
} from "../telemetry/otel-api.ts";
import { conventionFinishReason } from "./finish-reason.ts";
import {
	type AnswerInfo,
	answerInfo,
	modelNameOf,
	providerOf,
} from "./model-answer.ts";
import { type CountPoint, Counts } from "./otel.ts";

interface ModelInstruments {
	on: boolean;
	duration: Histogram;
	tokenUsage: Histogram;
	tokens: Counts;
	cost: Counts;
	calls: Counts;
	/** What a call's records need, by requested then answering model: made once, reused by every call. */
	series: Map<string | undefined, Map<string | undefined, Series>>;
}

/** The attribute sets and count points of one (requested model, answering model) pair. */
interface Series {
	readonly key: string;
	readonly base: Attributes;
	readonly input: Attributes;
	readonly output: Attributes;
	readonly inputTokens: CountPoint;
	readonly outputTokens: CountPoint;
	readonly outcomes: Map<string, CountPoint>;
	/** `base` with `error.type`, by error type (a failed call's duration record). */
	readonly errors: Map<string, Attributes>;
	cachedTokens?: CountPoint;
	cost?: CountPoint;
}

let noopHistogram: Histogram | undefined;
let cached:
	| { provider: MeterProvider; m: ModelInstruments | undefined }
	| undefined;

/**
 * The instruments of the current global meter provider, or undefined while the API is not loaded (or
 * the provider threw making them: no metrics then, the calls go on).
 */
function instruments(): ModelInstruments | undefined {
	const api = otelApi();
	if (api === undefined) return undefined;
	const provider = api.metrics.getMeterProvider();
	if (cached?.provider === provider) return cached.m;
	noopHistogram ??= api.createNoopMeter().createHistogram("weft.probe");
	let m: ModelInstruments | undefined;
	try {
		m = build(provider, noopHistogram);
	} catch (error) {
		contained(error);
	}
	cached = { provider, m };
	return m;
}

function build(provider: MeterProvider, noop: Histogram): ModelInstruments {
	const meter = provider.getMeter(SCOPE);
	const duration = meter.createHistogram("gen_ai.client.operation.duration", {
		unit: "s",
		description: "GenAI operation duration",
	});
	const on = duration !== noop;
	// counts are observable counters fed from memory (made only with a provider: no callbacks otherwise)
	const counts = (name: string, unit: string, description: string) =>
		new Counts(meter.createObservableCounter(name, { unit, description }));
	const m: ModelInstruments = {
		on,
		duration,
		tokenUsage: meter.createHistogram("gen_ai.client.token.usage", {
			unit: "{token}",
			description: "Measures number of input and output tokens used",
		}),
		tokens: counts(
			"weft.model.tokens",
			"{token}",
			"Tokens of model calls, by type (input, output, cached)",
		),
		cost: counts("weft.model.cost", "USD", "Cost of model calls"),
		calls: counts(
			"weft.model.calls",
			"{call}",
			"Model calls by outcome (ok, error, cache_hit, fallback, retried)",
		),
		series: new Map(),
	};
	return m;
}

function seriesOf(
	m: ModelInstruments,
	requested: string | undefined,
	answered: string | undefined,
): Series {
	// two map lookups, no key string built per call
	let byAnswer = m.series.get(requested);
	if (byAnswer === undefined) {
		byAnswer = new Map();
		m.series.set(requested, byAnswer);
	}
	let s = byAnswer.get(answered);
	if (s !== undefined) return s;
	const key = `${requested ?? ""}\u0000${answered ?? ""}`;
	const base = Object.freeze(metricAttributes(requested, answered));
	const typed = (type: string) =>
		Object.freeze({ ...base, "gen_ai.token.type": type });
	const input = typed("input");
	const output = typed("output");
	s = {
		key,
		base,
		input,
		output,
		inputTokens: m.tokens.point(`${key}\u0000input`, () => input),
		outputTokens: m.tokens.point(`${key}\u0000output`, () => output),
		outcomes: new Map(),
		errors: new Map(),
	};
	byAnswer.set(answered, s);
	return s;
}

function countCall(
	m: ModelInstruments,
	s: Series,
	outcome: string,
	errorType?: string,
): void {
	const key =
		errorType === undefined ? outcome : `${outcome}\u0000${errorType}`;
	let p = s.outcomes.get(key);
	if (p === undefined) {
		p = m.calls.point(`${s.key}\u0000${key}`, () => {
			const a: Attributes = { ...s.base, "weft.outcome": outcome };
			if (errorType !== undefined) a["error.type"] = errorType;
			return a;
		});
		s.outcomes.set(key, p);
	}
	p.value++;
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
	const tracer = registeredTracer();
	// no tracer provider: no span, no attributes built
	let span: Span | undefined;
	let parent: Context | undefined;
	if (tracer !== undefined) {
		// a tracer means the API is loaded
		const { context, trace } = otelApi()!;
		parent = context.active();
		const s = startSpan(
			tracer,
			`chat ${requested ?? "model"}`,
			{
				kind: KIND_CLIENT,
				attributes: requestAttributes(ctx, model, requested),
			},
			parent,
		);
		if (s?.isRecording() === true) {
			span = s;
			parent = trace.setSpan(parent, s);
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
	const m = instruments();
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
		failed(span, m, requested, error, t0);
		throw error;
	}
	// telemetry never fails a call that answered
	if (span !== undefined)
		try {
			endOk(span, info, message, capture);
		} catch (error) {
			contained(error);
		}
	if (m?.on)
		try {
			recordOk(m, requested, info, durationMs);
		} catch (error) {
			contained(error);
		}
	return { message, info, durationMs };
}

/** Ends the span of a call that threw and records its metrics (what the SDK throws contained). */
function failed(
	span: Span | undefined,
	m: ModelInstruments | undefined,
	requested: string | undefined,
	error: unknown,
	t0: number,
): void {
	const type = isWeftError(error) ? error.code : errorName(error);
	if (span !== undefined)
		try {
			endError(span, error, type);
		} catch (thrown) {
			contained(thrown);
		}
	if (m?.on)
		try {
			const s = seriesOf(m, requested, undefined);
			let attributes = s.errors.get(type);
			if (attributes === undefined) {
				attributes = Object.freeze({ ...s.base, "error.type": type });
				s.errors.set(type, attributes);
			}
			countCall(m, s, "error", type);
			m.duration.record((performance.now() - t0) / 1000, attributes);
		} catch (thrown) {
			contained(thrown);
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
	answer: AIMessage,
	capture: boolean,
): void {
	const finishReason = conventionFinishReason(info.finishReason, answer);
	// one setAttribute each: no attribute object built and walked per call
	span.setAttribute("gen_ai.usage.input_tokens", info.inputTokens);
	span.setAttribute("gen_ai.usage.output_tokens", info.outputTokens);
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

function endError(span: Span, error: unknown, type: string): void {
	span.setAttribute("error.type", type);
	if (isWeftError(error)) span.setAttribute("weft.error.code", error.code);
	recordException(span, error, type);
	span.setStatus({ code: STATUS_ERROR, message: errorMessage(error) });
	span.end();
}

/**
 * The metrics of a call that answered: three histogram records (duration, input and output tokens) with
 * attribute sets made once per model; token, cost and call counts are sums in memory.
 */
function recordOk(
	m: ModelInstruments,
	requested: string | undefined,
	info: AnswerInfo,
	durationMs: number,
): void {
	const s = seriesOf(m, requested, info.model);
	s.inputTokens.value += info.inputTokens;
	s.outputTokens.value += info.outputTokens;
	if (info.cachedTokens > 0) {
		s.cachedTokens ??= m.tokens.point(`${s.key}\u0000cached`, () => ({
			...s.base,
			"gen_ai.token.type": "cached",
		}));
		s.cachedTokens.value += info.cachedTokens;
	}
	if (info.costUsd !== undefined && info.costUsd > 0) {
		s.cost ??= m.cost.point(s.key, () => s.base);
		s.cost.value += info.costUsd;
	}
	const attempts = info.weft?.attempts;
	const outcome =
		info.weft?.cache === "hit"
			? "cache_hit"
			: info.weft?.fallback === true
				? "fallback"
				: typeof attempts === "number" && attempts > 1
					? "retried"
					: "ok";
	countCall(m, s, outcome);
	// the SDK's records last: one that throws leaves the counts above counted
	m.duration.record(durationMs / 1000, s.base);
	m.tokenUsage.record(info.inputTokens, s.input);
	m.tokenUsage.record(info.outputTokens, s.output);
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

/**
 * A message as the GenAI conventions' `{ role, parts }`: text parts and tool calls, and a tool's answer
 * as a `tool_call_response` part with the id of the call it answers.
 */
function asPart(m: BaseMessage): Record<string, unknown> {
	const type = m.getType();
	if (type === "tool")
		return {
			role: "tool",
			parts: [
				{
					type: "tool_call_response",
					id: (m as ToolMessage).tool_call_id,
					response: m.text,
				},
			],
		};
	const parts: unknown[] = [{ type: "text", content: m.text }];
	for (const c of (m as AIMessage).tool_calls ?? [])
		parts.push({
			type: "tool_call",
			id: c.id,
			name: c.name,
			arguments: c.args,
		});
	return { role: roleOf(type), parts };
}

function roleOf(type: string): string {
	if (type === "human") return "user";
	if (type === "ai") return "assistant";
	return type;
}

const errorName = (e: unknown) => (e instanceof Error ? e.name : "Error");
const errorMessage = (e: unknown) =>
	e instanceof Error ? e.message : String(e);
