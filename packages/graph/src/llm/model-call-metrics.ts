// Model-call metrics after the OpenTelemetry GenAI semantic conventions (`gen_ai.client.*`), and Weft's
// counts of tokens, cost and calls by outcome, summed in memory (observable counters).
import type { Attributes, Histogram, MeterProvider } from "@opentelemetry/api";
import { addCost } from "@weft/checkpoint";
import { contained } from "../telemetry/contained.ts";
import { otelApi, SCOPE } from "../telemetry/otel-api.ts";
import { type AnswerInfo, sideCallSpend } from "./model-answer.ts";
import { type CountPoint, Counts } from "./otel.ts";

/** The LLM layer's instruments on one meter provider. */
export interface ModelInstruments {
	on: boolean;
	duration: Histogram;
	tokenUsage: Histogram;
	tokens: Counts;
	cost: Counts;
	calls: Counts;
	/**
	 * What a call's records need, by provider (`gen_ai.provider.name`), requested then answering model:
	 * made once, reused by every call.
	 */
	series: Map<
		string | undefined,
		Map<string | undefined, Map<string | undefined, Series>>
	>;
}

/** The attribute sets and count points of one (provider, requested model, answering model). */
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
export function modelInstruments(): ModelInstruments | undefined {
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
	provider: string | undefined,
	requested: string | undefined,
	answered: string | undefined,
): Series {
	// three map lookups, no key string built per call
	let byRequest = m.series.get(provider);
	if (byRequest === undefined) {
		byRequest = new Map();
		m.series.set(provider, byRequest);
	}
	let byAnswer = byRequest.get(requested);
	if (byAnswer === undefined) {
		byAnswer = new Map();
		byRequest.set(requested, byAnswer);
	}
	let s = byAnswer.get(answered);
	if (s !== undefined) return s;
	const key = `${provider ?? ""}\u0000${requested ?? ""}\u0000${answered ?? ""}`;
	const base = Object.freeze(metricAttributes(provider, requested, answered));
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

/** The metrics of a call that threw (`type`: its error type): the error count and its duration. */
export function recordFailed(
	m: ModelInstruments,
	provider: string | undefined,
	requested: string | undefined,
	type: string,
	seconds: number,
): void {
	const s = seriesOf(m, provider, requested, undefined);
	let attributes = s.errors.get(type);
	if (attributes === undefined) {
		attributes = Object.freeze({ ...s.base, "error.type": type });
		s.errors.set(type, attributes);
	}
	countCall(m, s, "error", type);
	m.duration.record(seconds, attributes);
}

/**
 * The metrics of a call that answered: three histogram records (duration, input and output tokens) with
 * attribute sets made once per model; token, cost and call counts are sums in memory. An answer that
 * reported no usage (`usage` false) records no token usage: the GenAI conventions say an instrumentation
 * that cannot obtain the counts MUST NOT report the metric (a 0 would pull every average down).
 */
export function recordOk(
	m: ModelInstruments,
	provider: string | undefined,
	requested: string | undefined,
	info: AnswerInfo,
	durationMs: number,
	usage: boolean,
): void {
	const s = seriesOf(m, provider, requested, info.model);
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
		// rounded as the run's usage sums costs, so the counter and `usage.costUsd` agree (decision 0251)
		s.cost.value = addCost(s.cost.value, info.costUsd);
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
	recordSideCalls(m, info.weft?.sideCalls);
	// the SDK's records last: one that throws leaves the counts above counted
	m.duration.record(durationMs / 1000, s.base);
	if (!usage) return;
	m.tokenUsage.record(info.inputTokens, s.input);
	m.tokenUsage.record(info.outputTokens, s.output);
}

/**
 * The calls a router made for a call (`response_metadata.weft.sideCalls` of its answer, `spentCalls` of
 * its error: the summariser's, a guard classifier's) into the token, cost and call counts under their own
 * model, as the run's usage counts them (decision 0251); their duration is not known, so not recorded.
 */
export function recordSideCalls(m: ModelInstruments, sideCalls: unknown): void {
	if (!Array.isArray(sideCalls)) return;
	for (const side of sideCalls) {
		const spent = sideCallSpend(side);
		if (spent === undefined) continue;
		const s = seriesOf(m, undefined, spent.model, spent.model);
		s.inputTokens.value += spent.inputTokens;
		s.outputTokens.value += spent.outputTokens;
		if (spent.costUsd !== undefined && spent.costUsd > 0) {
			s.cost ??= m.cost.point(s.key, () => s.base);
			s.cost.value = addCost(s.cost.value, spent.costUsd);
		}
		countCall(m, s, "ok");
	}
}

/**
 * `gen_ai.provider.name` is required on `gen_ai.client.token.usage` and on the duration of an operation
 * that calls a provider: the same value as the call's `chat` span.
 */
function metricAttributes(
	provider: string | undefined,
	requested: string | undefined,
	answered?: string,
): Attributes {
	const a: Attributes = { "gen_ai.operation.name": "chat" };
	if (provider !== undefined) a["gen_ai.provider.name"] = provider;
	if (requested !== undefined) a["gen_ai.request.model"] = requested;
	if (answered !== undefined) a["gen_ai.response.model"] = answered;
	return a;
}
