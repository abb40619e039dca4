// Telemetry never fails a run: what the OpenTelemetry SDK throws (a span processor's onStart, onEnding or
// onEnd, a sampler, a metric view's attributes processor) stops at Weft's telemetry boundary. The guards
// are try/catch around the SDK calls (free while nothing throws): no closure, no allocation per span.
import type {
	Attributes,
	Context,
	Histogram,
	Span,
	SpanOptions,
	Tracer,
} from "@opentelemetry/api";
import { otelApi } from "./otel-api.ts";

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
