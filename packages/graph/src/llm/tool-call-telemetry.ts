// Tool-call spans after the OpenTelemetry GenAI semantic conventions (`execute_tool {name}`).

import type { ToolMessage } from "@langchain/core/messages";
import type { Attributes } from "@opentelemetry/api";
import { isWeftError, type NodeContext, telemetrySettings } from "../index.ts";
import {
	activeContext,
	contained,
	endSpan,
	startSpan,
	withContext,
} from "../telemetry/contained.ts";
import { recordTaskError } from "../telemetry/errors.ts";
import {
	KIND_INTERNAL,
	otelApi,
	tracer as registeredTracer,
	STATUS_ERROR,
	STATUS_OK,
} from "../telemetry/otel-api.ts";
import type { PendingToolCall } from "./tool-calls.ts";

/** The code of the `WeftError` a tool threw, by the error ToolMessage it became (for its span). */
const thrownCodes = new WeakMap<ToolMessage, string>();

/** `message` answers a call whose tool threw `error`: a `WeftError`'s code goes on the call's span. */
export function answeredError(
	message: ToolMessage,
	error: unknown,
): ToolMessage {
	if (isWeftError(error)) thrownCodes.set(message, error.code);
	return message;
}

/**
 * Runs one tool call under an `execute_tool {name}` span (a child of the node's span). A call that ends
 * as an error ToolMessage (the run goes on) marks the span failed (`TOOL_ERROR`); one that throws (its
 * node's timeout, the run's cancellation) has its error recorded as on the node's span.
 */
export function observeToolCall(
	ctx: NodeContext,
	call: PendingToolCall,
	run: () => Promise<ToolMessage>,
	description?: unknown,
): Promise<ToolMessage> {
	const tracer = registeredTracer();
	// no tracer provider: no span, no attributes built
	if (tracer === undefined) return run();
	// a tracer means the API is loaded
	const api = otelApi()!;
	const { context, trace } = api;
	const parent = activeContext(api);
	const span = startSpan(
		tracer,
		`execute_tool ${call.name}`,
		{
			kind: KIND_INTERNAL,
			attributes: toolCallAttributes(ctx, call, description),
		},
		parent,
	);
	if (span === undefined || !span.isRecording()) return run();
	const capture = telemetrySettings().captureContent;
	if (capture)
		try {
			span.setAttribute(
				"gen_ai.tool.call.arguments",
				JSON.stringify(call.args),
			);
		} catch (error) {
			contained(error); // arguments JSON cannot hold (a BigInt, a cycle): left out
		}
	// a promise chain, not an async function: one frame less per tool call (perf, issue 13)
	let running: Promise<ToolMessage>;
	try {
		running = withContext(context, trace.setSpan(parent, span), run);
	} catch (error) {
		running = Promise.reject(error);
	}
	return running.then(
		(message) => {
			if (capture) span.setAttribute("gen_ai.tool.call.result", message.text);
			if (message.status === "error") {
				span.setAttribute("error.type", "TOOL_ERROR");
				// what failed, when the tool said it with a WeftError (MCP_TOOL_FAILED, …)
				const code = thrownCodes.get(message);
				if (code !== undefined) span.setAttribute("weft.error.code", code);
				span.setStatus({ code: STATUS_ERROR, message: message.text });
			} else span.setStatus({ code: STATUS_OK });
			endSpan(span);
			return message;
		},
		(error: unknown) => {
			try {
				// as a node span: error.type the WeftError's code (else the class name), weft.error.code
				// what the run calls the failure (RUN_CANCELLED, NODE_TIMEOUT, …)
				recordTaskError(span, error, ctx.signal);
				span.end();
			} catch (thrown) {
				contained(thrown);
			}
			throw error;
		},
	);
}

/**
 * The attributes of a tool call's `execute_tool` span (GenAI conventions, with Weft's node and step).
 * `gen_ai.tool.type` is `function`: a tool the model gives arguments to and the application runs.
 */
export function toolCallAttributes(
	ctx: NodeContext,
	call: PendingToolCall,
	description?: unknown,
): Attributes {
	const a: Attributes = {
		"gen_ai.operation.name": "execute_tool",
		"gen_ai.tool.name": call.name,
		"gen_ai.tool.call.id": call.id,
		"gen_ai.tool.type": "function",
		"weft.node": ctx.node,
		"weft.step": ctx.step,
	};
	if (typeof description === "string" && description !== "")
		a["gen_ai.tool.description"] = description;
	return a;
}
