import type { SpanContext } from "@opentelemetry/api";
import { FLAG_SAMPLED } from "./otel-api.ts";

const FORMAT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A span's context as a W3C `traceparent` value (what checkpoints keep to link a resumed run). */
export function toTraceparent(c: SpanContext): string {
	const sampled = (c.traceFlags & FLAG_SAMPLED) === FLAG_SAMPLED;
	return `00-${c.traceId}-${c.spanId}-${sampled ? "01" : "00"}`;
}

/** The span context a `traceparent` value names, or undefined for anything else. */
export function fromTraceparent(value: unknown): SpanContext | undefined {
	if (typeof value !== "string") return undefined;
	const m = FORMAT.exec(value);
	if (m === null) return undefined;
	return {
		traceId: m[1]!,
		spanId: m[2]!,
		traceFlags: Number.parseInt(m[3]!, 16),
		isRemote: true,
	};
}

/**
 * The trace link a checkpoint written from outside a run (`updateState`) keeps of the one it follows: its
 * `traceparent`, so that the run going on from the update links to the run it continues.
 */
export function keptTrace(
	metadata: Readonly<Record<string, unknown>> | undefined,
): { traceparent: string } | undefined {
	const traceparent = metadata?.traceparent;
	return fromTraceparent(traceparent) === undefined
		? undefined
		: { traceparent: traceparent as string };
}
