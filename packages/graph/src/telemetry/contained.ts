// Telemetry never fails a run: what the OpenTelemetry SDK throws (a span processor's onStart, onEnding or
// onEnd, a sampler, a metric view's attributes processor, a context manager's `active` or `with`) stops
// at Weft's telemetry boundary. The guards are try/catch around the SDK calls (free while nothing
// throws): no closure per span.
import type {
	Attributes,
	Context,
	ContextAPI,
	Histogram,
	Span,
	SpanOptions,
	Tracer,
} from "@opentelemetry/api";
import { type OtelApi, otelApi } from "./otel-api.ts";

/** Reports an error the SDK threw to the API's diag logger (silent unless the application set one). */
export function contained(error: unknown): void {
	try {
		otelApi()?.diag.error(
			"@weft/graph: the OpenTelemetry SDK threw; telemetry skipped it, the run goes on",
			error,
		);
	} catch {
		// a diag logger that throws: nothing left to tell
	}
}

/**
 * `context.active()`, or the root context when the application's context manager throws there: the
 * spans then start a trace of their own rather than failing the run (decision 0103).
 */
export function activeContext(api: typeof OtelApi): Context {
	try {
		return api.context.active();
	} catch (error) {
		contained(error);
		return api.ROOT_CONTEXT;
	}
}

/** `tracer.startSpan(…)`, or undefined (no span, as with no provider) when the SDK throws. */
export function startSpan(
	tracer: Tracer,
	name: string,
	options: SpanOptions,
	parent: Context | undefined,
): Span | undefined {
	try {
		return tracer.startSpan(name, options, parent);
	} catch (error) {
		contained(error);
		return undefined;
	}
}

/** `span.end()`, its processors' errors contained. */
export function endSpan(span: Span): void {
	try {
		span.end();
	} catch (error) {
		contained(error);
	}
}

/** `histogram.record(…)`, its views' errors contained. */
export function record(
	histogram: Histogram,
	value: number,
	attributes: Attributes | undefined,
): void {
	try {
		histogram.record(value, attributes);
	} catch (error) {
		contained(error);
	}
}

/** A function passed through a context manager's `with`, and how far it got. */
interface Entry<TA, TB, TR> {
	readonly fn: (a: TA, b: TB) => TR;
	/** 0: not called; 1: returned `value`; 2: threw `value`. */
	state: 0 | 1 | 2;
	value: unknown;
}

/** What `with` calls: runs the entry's function once (a second call gives the first's outcome). */
function enter<TA, TB, TR>(entry: Entry<TA, TB, TR>, a: TA, b: TB): TR {
	if (entry.state === 0)
		try {
			entry.value = entry.fn(a, b);
			entry.state = 1;
		} catch (error) {
			entry.value = error;
			entry.state = 2;
		}
	if (entry.state === 2) throw entry.value;
	return entry.value as TR;
}

/**
 * `context.with(ctx, fn, undefined, a, b)`: `fn(a, b)` with `ctx` active, run exactly once whatever the
 * context manager does. One that throws (or returns) without calling `fn` has it run in the current
 * context; one that throws after `fn` ran has `fn`'s result returned (or its own error thrown). The
 * manager's error goes to the diag logger.
 */
export function withContext<TR, TA = undefined, TB = undefined>(
	context: ContextAPI,
	ctx: Context,
	fn: (a: TA, b: TB) => TR,
	a?: TA,
	b?: TB,
): TR {
	const entry: Entry<TA, TB, TR> = { fn, state: 0, value: undefined };
	try {
		context.with(ctx, enter<TA, TB, TR>, undefined, entry, a as TA, b as TB);
	} catch (error) {
		if (entry.state !== 2 || entry.value !== error) contained(error);
	}
	if (entry.state === 0)
		contained(
			new Error("the context manager's with() did not call the function"),
		);
	// called now if the manager did not: its outcome either way
	return enter(entry, a as TA, b as TB);
}
