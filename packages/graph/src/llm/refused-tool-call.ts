// A tool call refused before it runs is still a tool call: it gets the span and callback events a tool
// that threw gets (API.md: spans and callbacks for every tool call), so that operators see the calls
// models get wrong (hallucinated names, bad arguments) beside the ones that ran.
import type { Callbacks } from "@langchain/core/callbacks/manager";
import { CallbackManager } from "@langchain/core/callbacks/manager";
import type { ToolMessage } from "@langchain/core/messages";
import type { NodeContext } from "../index.ts";
import { callConfig } from "../runtime/task-context.ts";
import { contained } from "../telemetry/contained.ts";
import {
	KIND_INTERNAL,
	tracer as registeredTracer,
	STATUS_ERROR,
} from "../telemetry/otel-api.ts";
import { toolCallAttributes } from "./tool-call-telemetry.ts";
import type { PendingToolCall } from "./tool-calls.ts";

/** Why a call was refused before it ran: the span's `error.type`, the callback error's `name`. */
export type ToolRefusal =
	| "UNKNOWN_TOOL"
	| "MALFORMED_ARGUMENTS"
	| "INVALID_ARGUMENTS"
	| "TOOL_NOT_ALLOWED"
	| "MISSING_SCOPES"
	/** A second handoff in one answer: only the first is made (decision 0228). */
	| "ONE_HANDOFF_AT_A_TIME";

/**
 * Records a refused call as an `execute_tool {name}` span with error status and `error.type`, and as
 * `handleToolStart` then `handleToolError` on the run's callbacks; resolves to the answer unchanged.
 */
export function observeRefusedToolCall(
	ctx: NodeContext,
	call: PendingToolCall,
	refusal: ToolRefusal,
	answer: ToolMessage,
	description?: unknown,
): ToolMessage | Promise<ToolMessage> {
	const tracer = registeredTracer();
	if (tracer !== undefined)
		try {
			const span = tracer.startSpan(`execute_tool ${call.name}`, {
				kind: KIND_INTERNAL,
				attributes: {
					...toolCallAttributes(ctx, call, description),
					"error.type": refusal,
				},
			});
			span.setStatus({ code: STATUS_ERROR, message: answer.text });
			span.end();
		} catch (error) {
			contained(error); // telemetry never fails the call
		}
	const { callbacks, tags, metadata } = callConfig(ctx);
	// no callbacks given to the run: nothing to tell, and no promise to make
	if (callbacks === undefined) return answer;
	return notifyCallbacks(
		callbacks as Callbacks,
		tags,
		metadata,
		call,
		refusal,
		answer,
	).then(() => answer);
}

async function notifyCallbacks(
	callbacks: Callbacks,
	tags: string[] | undefined,
	metadata: Record<string, unknown> | undefined,
	call: PendingToolCall,
	refusal: ToolRefusal,
	answer: ToolMessage,
): Promise<void> {
	const manager = CallbackManager.configure(
		callbacks,
		undefined,
		tags,
		undefined,
		metadata,
	);
	if (manager === undefined) return;
	const run = await manager.handleToolStart(
		// the serialized tool, as LangChain's tools send it; a refused call may name no tool that exists
		{ lc: 1, type: "not_implemented", id: ["weft", "tool", call.name] },
		call.malformed ?? JSON.stringify(call.args),
		undefined,
		undefined,
		undefined,
		undefined,
		call.name,
		call.id,
	);
	const error = new Error(answer.text.replace(/^Error: /, ""));
	error.name = refusal;
	await run.handleToolError(error);
}
