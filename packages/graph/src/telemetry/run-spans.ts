// What the spans of a run's tree (run, step, node) say when they end, each write's SDK errors contained:
// telemetry never fails a run.
import type { Span } from "@opentelemetry/api";
import type { RunResult } from "../runtime/events.ts";
import type { RunUsage } from "../runtime/usage.ts";
import { contained, endSpan } from "./contained.ts";
import { type RunAbort, recordError, recordTaskError } from "./errors.ts";
import { STATUS_OK } from "./otel-api.ts";

/** A node task's span ends as its outcome says: its error (under the run's `signal`), a pause or OK. */
export function endTaskSpan(
	span: Span,
	outcome: { kind: string; error?: unknown },
	signal: RunAbort | undefined,
): void {
	try {
		if (outcome.kind === "error") recordTaskError(span, outcome.error, signal);
		else if (outcome.kind === "interrupt")
			span.setAttribute("weft.interrupt", true);
		else if (outcome.kind === "rejected")
			span.setAttribute("weft.resume_rejected", true);
		else span.setStatus({ code: STATUS_OK });
		span.end();
	} catch (error) {
		contained(error); // telemetry never fails a task
	}
}

/** A step's span ends, failed with `error` when there is one. */
export function endStepSpan(span: Span, error: unknown): void {
	try {
		if (error !== undefined) recordError(span, error);
		span.end();
	} catch (thrown) {
		contained(thrown);
	}
}

/** A run that ended as `result` (done, interrupted or cancelled): its status, interrupts and usage. */
export function runEnded(run: Span, result: RunResult): void {
	try {
		run.setAttributes({
			"weft.run.status": result.status,
			"weft.interrupts": result.interrupts.length,
		});
		if (result.checkpointId !== undefined)
			run.setAttribute("weft.checkpoint_id", result.checkpointId);
		setUsage(run, result.usage);
	} catch (error) {
		contained(error);
	}
}

/** A run that failed with `error`, having spent `usage`. */
export function runFailed(
	run: Span,
	error: unknown,
	usage: RunUsage | undefined,
): void {
	try {
		recordError(run, error);
		if (usage !== undefined) setUsage(run, usage);
	} catch (thrown) {
		contained(thrown);
	}
}

/** The run's span ends with its final status and the supersteps it started. */
export function closeRunSpan(run: Span, status: string, steps: number): void {
	try {
		run.setAttribute("weft.run.status", status);
		run.setAttribute("weft.steps", steps);
	} catch (error) {
		contained(error);
	}
	endSpan(run);
}

/** A run's tokens and cost on its span. */
function setUsage(run: Span, usage: RunUsage): void {
	run.setAttribute("gen_ai.usage.input_tokens", usage.inputTokens);
	run.setAttribute("gen_ai.usage.output_tokens", usage.outputTokens);
	if (usage.costUsd !== undefined)
		run.setAttribute("weft.cost_usd", usage.costUsd);
	if (usage.unpricedCalls !== undefined)
		run.setAttribute("weft.unpriced_calls", usage.unpricedCalls);
}
