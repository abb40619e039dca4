// What a call's balancing, failover, circuit breakers, retries and fallbacks did, on the active
// OpenTelemetry span (the `chat` span `@weft/graph/llm` opens around a model call). `@opentelemetry/api`
// only: with no tracer provider there is no recording span and this is one lookup per event.
import { type Attributes, diag, type Span, trace } from "@opentelemetry/api";
import type { EventError, ModelEvent } from "./events.ts";

/** Records `event` on the active span, if one is recording; other event types are left to usage and events. */
export function onSpan(event: ModelEvent): void {
	// telemetry never fails a call: a context manager or span that throws is reported to the diag logger
	try {
		const span = trace.getActiveSpan();
		if (span === undefined || !span.isRecording()) return;
		record(span, event);
	} catch (error) {
		try {
			diag.error(
				"@weft/models: the OpenTelemetry SDK threw; the event is not on the span",
				error,
			);
		} catch {
			// a diag logger that throws: nothing left to tell
		}
	}
}

function record(span: Span, e: ModelEvent): void {
	switch (e.type) {
		case "balance":
			// the last choice of the call wins: the deployment that answered
			span.setAttributes({
				"weft.model.deployment": e.deployment,
				"weft.balance.strategy": e.strategy,
				"weft.balance.reason": e.reason,
			});
			span.addEvent("weft.balance", {
				"weft.model": e.model,
				"weft.model.deployment": e.deployment,
				"weft.balance.strategy": e.strategy,
				"weft.balance.reason": e.reason,
				"weft.balance.skipped": e.skipped.map(
					(s) => `${s.deployment}: ${s.reason}`,
				),
			});
			return;
		case "no_deployment":
			span.addEvent("weft.balance.no_deployment", {
				"weft.model": e.model,
				"weft.balance.skipped": e.skipped.map(
					(s) => `${s.deployment}: ${s.reason}`,
				),
			});
			return;
		case "failover":
			span.addEvent("weft.model.failover", {
				"weft.model": e.model,
				"weft.failover.from": e.from,
				...errorAttributes(e.error),
			});
			return;
		case "circuit": {
			const a: Attributes = {
				"weft.model": e.model,
				"weft.model.deployment": e.deployment,
				"weft.circuit.state": e.state,
				"weft.circuit.reason": e.reason,
			};
			if (e.retryInMs !== undefined)
				a["weft.circuit.retry_in_ms"] = e.retryInMs;
			span.addEvent("weft.circuit", a);
			return;
		}
		case "retry": {
			const a: Attributes = {
				"weft.model": e.model,
				"weft.attempt": e.attempt,
				"weft.retry.delay_ms": e.delayMs,
				...errorAttributes(e.error),
			};
			if (e.retryAfterMs !== undefined)
				a["weft.retry.retry_after_ms"] = e.retryAfterMs;
			if (e.sideCall !== undefined) a["weft.retry.side_call"] = e.sideCall;
			span.addEvent("weft.model.retry", a);
			return;
		}
		case "fallback":
			span.setAttribute("weft.model.fallback", true);
			span.addEvent("weft.model.fallback", {
				"weft.fallback.from": e.from,
				"weft.fallback.to": e.to,
				...errorAttributes(e.error),
			});
			return;
		case "rate_limit_wait":
			span.addEvent("weft.rate_limit_wait", {
				"weft.model": e.model,
				"weft.rate_limit.key": e.key,
				"weft.rate_limit.waited_ms": e.waitedMs,
			});
			return;
		default:
			return;
	}
}

function errorAttributes(error: EventError): Attributes {
	const a: Attributes = { "error.type": error.kind };
	if (error.status !== undefined) a["http.response.status_code"] = error.status;
	return a;
}
