import type { Exception, Span } from "@opentelemetry/api";
import { isWeftError, thrownMessage } from "@weft/checkpoint";
import { STATUS_ERROR } from "./otel-api.ts";

/** What telemetry calls an error: its `WeftError` code, else its class name. */
export function errorType(error: unknown): string {
	if (isWeftError(error)) return error.code;
	if (error instanceof Error) return error.name;
	return "Error";
}

/**
 * Marks a span failed with the error: `error.type` (`errorType`), `weft.error.code` (a `WeftError`'s code,
 * else `code`: what the runtime calls the failure, e.g. a node's plain Error is `NODE_FAILED`), an
 * `exception` event and the error status.
 */
export function recordError(span: Span, error: unknown, code?: string): void {
	const type = errorType(error);
	span.setAttribute("error.type", type);
	const weftCode = isWeftError(error) ? error.code : code;
	if (weftCode !== undefined) span.setAttribute("weft.error.code", weftCode);
	recordException(span, error, type);
	span.setStatus({
		code: STATUS_ERROR,
		message: thrownMessage(error),
	});
}

/** The run's abort flag, as a task or an attempt sees it (an `AbortSignal` or the runtime's lazy one). */
export interface RunAbort {
	readonly aborted: boolean;
	readonly reason: unknown;
}

/**
 * Marks the span of a node task or of one of its attempts failed (`recordError`), with the code the
 * runtime gives the failure: a `WeftError`'s own; for anything else `NODE_FAILED` (its step and run say
 * so too) or, once the run's signal aborted, why it did (`RUN_CANCELLED`, `LEASE_LOST`).
 */
export function recordTaskError(
	span: Span,
	error: unknown,
	run: RunAbort | undefined,
): void {
	recordError(span, error, failureCode(run));
}

function failureCode(run: RunAbort | undefined): string {
	if (run?.aborted !== true) return "NODE_FAILED";
	return isWeftError(run.reason) ? run.reason.code : "RUN_CANCELLED";
}

/**
 * The error as the span's `exception` event, its `exception.type` `type` (a `WeftError`'s code, else the
 * error's name): given the error itself, the SDK takes any `code` field, a DOMException's number (20).
 */
export function recordException(
	span: Span,
	error: unknown,
	type = errorType(error),
): void {
	const exception: Exception = { name: type, message: thrownMessage(error) };
	if (error instanceof Error && error.stack !== undefined)
		exception.stack = error.stack;
	span.recordException(exception);
}
