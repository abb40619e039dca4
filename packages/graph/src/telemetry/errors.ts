import type { Span } from "@opentelemetry/api";
import { isWeftError } from "@weft/checkpoint";
import { STATUS_ERROR } from "./otel-api.ts";

/** What telemetry calls an error: its `WeftError` code, else its class name. */
export function errorType(error: unknown): string {
	if (isWeftError(error)) return error.code;
	if (error instanceof Error) return error.name;
	return "Error";
}

/** Marks a span failed with the error (its code in `error.type` and `weft.error.code`). */
export function recordError(span: Span, error: unknown): void {
	const type = errorType(error);
	span.setAttribute("error.type", type);
	if (isWeftError(error)) span.setAttribute("weft.error.code", error.code);
	if (error instanceof Error) span.recordException(error);
	span.setStatus({
		code: STATUS_ERROR,
		message: error instanceof Error ? error.message : String(error),
	});
}
