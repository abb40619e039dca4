import { thrownMessage } from "@weft/checkpoint";
import {
	activeContext,
	contained,
	endSpan,
	startSpan,
	withContext,
} from "./contained.ts";
import { errorType, type RunAbort, recordTaskError } from "./errors.ts";
import { instruments } from "./instruments.ts";
import { otelApi, STATUS_OK, tracer } from "./otel-api.ts";

/**
 * Runs attempt `attempt` of a node with a retry policy under its own `weft.attempt {node}` span, a child
 * of the node's span (model and tool calls of the attempt nest under it). The attempt's error is recorded
 * on its span as on a node span (`recordTaskError`, under the run's `signal`); an interrupt only marks
 * it. With no recording node span (telemetry off), it only calls `run`.
 */
export function inAttempt<T>(
	node: string,
	attempt: number,
	run: () => Promise<T>,
	isControl: (error: unknown) => boolean,
	signal: RunAbort,
): Promise<T> {
	const t = tracer();
	if (t === undefined) return run();
	// a tracer means the API is loaded
	const api = otelApi()!;
	const { context, trace } = api;
	const active = activeContext(api);
	const parent = trace.getSpan(active);
	if (parent === undefined || !parent.isRecording()) return run();
	parent.setAttribute("weft.attempts", attempt);
	const span = startSpan(
		t,
		`weft.attempt ${node}`,
		{ attributes: { "weft.node": node, "weft.attempt": attempt } },
		active,
	);
	if (span === undefined) return run(); // the SDK threw: the attempt runs untraced
	return withContext(context, trace.setSpan(active, span), run).then(
		(value) => {
			span.setStatus({ code: STATUS_OK });
			endSpan(span);
			return value;
		},
		(error: unknown) => {
			try {
				// an interrupt is control flow, not a failure of the attempt
				if (isControl(error)) span.setAttribute("weft.interrupt", true);
				else recordTaskError(span, error, signal);
				span.end();
			} catch (thrown) {
				contained(thrown);
			}
			throw error;
		},
	);
}

/**
 * An attempt of `node` failed and will be retried after `delayMs`: an event on the node's span (the
 * backoff shows as the gap between the attempt spans), and the retry counter.
 */
export function retried(
	node: string,
	attempt: number,
	error: unknown,
	delayMs: number,
): void {
	const type = errorType(error);
	try {
		otelApi()
			?.trace.getActiveSpan()
			?.addEvent("weft.node.retry", {
				"weft.attempt": attempt,
				"weft.retry.delay_ms": delayMs,
				"error.type": type,
				"exception.message": thrownMessage(error),
			});
	} catch (thrown) {
		contained(thrown);
	}
	const m = instruments();
	if (m.on)
		m.retries.add(`${node}\u0000${type}`, 1, () => ({
			"weft.node": node,
			"error.type": type,
		}));
}
