// A router's side call (its summariser's, a guard classifier's) as a `chat {model}` span of its own, with
// the attributes of the `chat` span @weft/graph/llm opens around a model call (OpenTelemetry GenAI
// conventions), under whatever span is active: in a graph, the router's `chat` span (decision 0255).
// `@opentelemetry/api` only: with no tracer provider registered nothing is recorded.
import {
	type Attributes,
	context,
	diag,
	type Span,
	SpanKind,
	SpanStatusCode,
	trace,
} from "@opentelemetry/api";
import {
	conventionProvider,
	isWeftError,
	messageUsage,
	providerOf,
	thrownMessage,
} from "@weft/checkpoint";
import { costOf, findPrice, type PriceTable } from "../usage/prices.ts";

/** The instrumentation scope of the router's own spans. */
const SCOPE = "@weft/models";

/** What a side call's span says about the call before it is made. */
export interface SideCallSpanInfo {
	/** The side model's id, as its usage names it. */
	model: string;
	/** Its route: "context.summarize", "guard.<name>". */
	route: string;
	/** The side model itself, for its provider (`_llmType()`). */
	chatModel?: unknown;
	threadId?: string | undefined;
}

/** Telemetry never fails a call: what the SDK throws goes to the diag logger. */
function contained(error: unknown): void {
	try {
		diag.error("@weft/models: the OpenTelemetry SDK threw", error);
	} catch {
		// a diag logger that throws: nothing left to tell
	}
}

/** Starts the span (undefined when nothing records it). */
export function startSideCallSpan(info: SideCallSpanInfo): Span | undefined {
	try {
		const tracer = trace.getTracer(SCOPE);
		const a: Attributes = {
			"gen_ai.operation.name": "chat",
			"gen_ai.request.model": info.model,
			"weft.model.side_call": info.route,
		};
		const provider = conventionProvider(providerOf(info.chatModel));
		if (provider !== undefined) a["gen_ai.provider.name"] = provider;
		if (info.threadId !== undefined) {
			a["weft.thread_id"] = info.threadId;
			a["gen_ai.conversation.id"] = info.threadId;
		}
		const span = tracer.startSpan(`chat ${info.model}`, {
			kind: SpanKind.CLIENT,
			attributes: a,
		});
		if (span.isRecording()) return span;
		span.end();
	} catch (error) {
		contained(error);
	}
	return undefined;
}

/** Runs `fn` with `span` active (the side model's own instrumentation and retry events land under it). */
export function withSpan<T>(span: Span | undefined, fn: () => Promise<T>) {
	if (span === undefined) return fn();
	let active: ReturnType<typeof context.active>;
	try {
		active = trace.setSpan(context.active(), span);
	} catch (error) {
		contained(error);
		return fn();
	}
	return context.with(active, fn);
}

/** Ends the span of a side call that answered: the answer's usage, model, id and cost. */
export function endSideCallSpan(
	span: Span | undefined,
	info: SideCallSpanInfo,
	answer: unknown,
	attempts: number,
	prices: PriceTable,
): void {
	if (span === undefined) return;
	try {
		const m = (answer ?? {}) as {
			id?: unknown;
			usage_metadata?: unknown;
			response_metadata?: Record<string, unknown>;
		};
		const usage = messageUsage(m);
		// token counts only when the answer reported them, as on the `chat` span
		if (usage !== undefined) {
			span.setAttribute("gen_ai.usage.input_tokens", usage.input_tokens);
			span.setAttribute("gen_ai.usage.output_tokens", usage.output_tokens);
			const price = findPrice(info.model, prices);
			if (price !== undefined)
				span.setAttribute(
					"weft.cost_usd",
					costOf(
						{
							inputTokens: usage.input_tokens,
							outputTokens: usage.output_tokens,
						},
						price,
					),
				);
		}
		const meta = m.response_metadata ?? {};
		const model = str(meta.model_name) ?? str(meta.model);
		if (model !== undefined) span.setAttribute("gen_ai.response.model", model);
		const id = str(m.id);
		if (id !== undefined) span.setAttribute("gen_ai.response.id", id);
		span.setAttribute("weft.model.attempts", attempts);
		span.setStatus({ code: SpanStatusCode.OK });
		span.end();
	} catch (error) {
		contained(error);
	}
}

/** Ends the span of a side call that failed: its error, as the `chat` span records one. */
export function failSideCallSpan(
	span: Span | undefined,
	error: unknown,
	attempts: number,
): void {
	if (span === undefined) return;
	try {
		const type = isWeftError(error)
			? error.code
			: error instanceof Error
				? error.name
				: "Error";
		span.setAttribute("error.type", type);
		if (isWeftError(error)) span.setAttribute("weft.error.code", error.code);
		span.setAttribute("weft.model.attempts", attempts);
		if (error instanceof Error) span.recordException(error);
		span.setStatus({
			code: SpanStatusCode.ERROR,
			message: thrownMessage(error),
		});
		span.end();
	} catch (thrown) {
		contained(thrown);
	}
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
