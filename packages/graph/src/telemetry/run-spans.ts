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

/**
 * What telemetry says of a task's outcome: one that finished after the run's signal aborted (a node that
 * ignored `ctx.signal`) had its result dropped, so it failed as the run was stopped, as its span says.
 */
export function droppedIfAborted(
	outcome: { kind: string; error?: unknown },
	signal: RunAbort | undefined,
): { kind: string; error?: unknown } {
	return outcome.kind === "done" && signal?.aborted === true
		? stoppedBy(signal)
		: outcome;
}

/** The outcome of a task the run's end stopped: why the run's signal aborted. */
export function stoppedBy(signal: RunAbort): { kind: "error"; error: unknown } {
	return { kind: "error", error: signal.reason ?? new Error("the run ended") };
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
