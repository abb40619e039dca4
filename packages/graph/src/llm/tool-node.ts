import { ToolMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { ConfigError, keysOf, thrownMessage } from "@weft/checkpoint";
import type { NodeContext } from "../index.ts";
import { callConfig, onceResult } from "../runtime/task-context.ts";
import {
	checkOptionObject,
	checkToolNames,
	checkTools,
} from "./check-options.ts";
import { isHandoffTool } from "./handoff.ts";
import type { MessagesState } from "./llm-node.ts";
import {
	observeRefusedToolCall,
	type ToolRefusal,
} from "./refused-tool-call.ts";
import { answeredError, observeToolCall } from "./tool-call-telemetry.ts";
import {
	errorMessage,
	invalidArguments,
	type PendingToolCall,
	pendingToolCalls,
} from "./tool-calls.ts";
import { callerScopes, missingScopes, requiredScopes } from "./tool-scopes.ts";

export interface ToolNodeOptions {
	/** Only these tools may run here (an agent's allow-list); calls to others are refused. */
	allow?: readonly string[] | undefined;
}

// a misspelt `alow` turned the allow-list off without a word: every tool ran
const TOOL_NODE_OPTION_KEYS = keysOf<ToolNodeOptions>({ allow: true });

/** The `custom` events a tool node sends. */
export type ToolEvent =
	| {
			kind: "tool-refused";
			tool: string;
			toolCallId: string;
			reason: "not-allowed" | "scopes";
			missing?: string[];
	  }
	| { kind: "tool-error"; tool: string; toolCallId: string; error: string };

/**
 * A node that runs the tool calls of the last AI message in parallel and appends one ToolMessage per call.
 * Arguments are checked against the tool's schema; an unknown tool, bad arguments, a refused call or a
 * tool that throws become a ToolMessage with `status: "error"`, and the run goes on. Each call runs once
 * per node task (keyed by its id), so a re-run never repeats a tool that already ran. Tools get the
 * run's `context` (and `thread_id`) in `config.configurable`.
 * @example
 * graph.addNode("tools", toolNode([search, sendEmail], { allow: ["search"] }))
 */
export function toolNode(
	tools: readonly StructuredToolInterface[],
	options: ToolNodeOptions = {},
): (
	state: MessagesState,
	ctx: NodeContext,
) => Promise<{ messages: ToolMessage[] }> {
	checkTools("toolNode", tools);
	checkOptionObject(
		"toolNode",
		options,
		TOOL_NODE_OPTION_KEYS,
		'pass e.g. { allow: ["search"] }, or leave the options out',
		{ mustBe: "options must be an object", refuseArrays: true },
	);
	const allowed = checkToolNames("toolNode", "allow", options.allow);
	const byName = new Map(tools.map((t) => [t.name, t]));
	if (byName.size !== tools.length) {
		const names = tools.map((t) => t.name);
		const twice = names.filter((n, i) => names.indexOf(n) !== i);
		throw new ConfigError(
			"CONFIG_INVALID",
			`two tools are named ${[...new Set(twice)].map((n) => `"${n}"`).join(", ")}`,
			{
				hint: "give each tool its own name: the model calls tools by name",
			},
		);
	}
	const allow = allowed === undefined ? undefined : new Set(allowed);
	// promise chains, not async functions: a frame and its ticks less per tool step (perf, issue 17)
	return (state, ctx) => {
		let answers: Promise<ToolMessage>[];
		try {
			// one handoff per answer, as a supervisor's: the first goes, a later one is refused (decision 0228)
			let handoff: string | undefined;
			answers = pendingToolCalls(state.messages).calls.map((call) => {
				const tool = byName.get(call.name);
				if (tool === undefined || !isHandoffTool(tool))
					return answer(call, tool, allow, ctx);
				if (handoff === undefined) {
					handoff = call.name;
					return answer(call, tool, allow, ctx);
				}
				return Promise.resolve(
					observeRefusedToolCall(
						ctx,
						call,
						"ONE_HANDOFF_AT_A_TIME",
						errorMessage(
							call,
							`only one handoff at a time: "${handoff}" was called first in this answer, so "${call.name}" was not made`,
						),
						tool.description,
					),
				);
			});
		} catch (error) {
			return Promise.reject(error);
		}
		return Promise.all(answers).then((messages) => ({ messages }));
	};
}

/** One call's ToolMessage (a promise either way: a check that throws rejects it, as in an async function). */
function answer(
	call: PendingToolCall,
	tool: StructuredToolInterface | undefined,
	allow: ReadonlySet<string> | undefined,
	ctx: NodeContext,
): Promise<ToolMessage> {
	try {
		return Promise.resolve(checkedAnswer(call, tool, allow, ctx));
	} catch (error) {
		return Promise.reject(error);
	}
}

function checkedAnswer(
	call: PendingToolCall,
	tool: StructuredToolInterface | undefined,
	allow: ReadonlySet<string> | undefined,
	ctx: NodeContext,
): ToolMessage | Promise<ToolMessage> {
	const refuse = (refusal: ToolRefusal, text: string) =>
		observeRefusedToolCall(
			ctx,
			call,
			refusal,
			errorMessage(call, text),
			tool?.description,
		);
	if (call.malformed !== undefined)
		return refuse(
			"MALFORMED_ARGUMENTS",
			`the arguments of "${call.name}" are not valid JSON: ${call.malformed}`,
		);
	if (tool === undefined)
		return refuse("UNKNOWN_TOOL", `there is no tool named "${call.name}"`);
	if (allow !== undefined && !allow.has(call.name)) {
		ctx.emit({
			kind: "tool-refused",
			tool: call.name,
			toolCallId: call.id,
			reason: "not-allowed",
		} satisfies ToolEvent);
		return refuse(
			"TOOL_NOT_ALLOWED",
			`the tool "${call.name}" is not allowed here`,
		);
	}
	const missing = missingScopes(
		requiredScopes(tool),
		callerScopes(ctx.context),
	);
	if (missing.length > 0) {
		ctx.emit({
			kind: "tool-refused",
			tool: call.name,
			toolCallId: call.id,
			reason: "scopes",
			missing,
		} satisfies ToolEvent);
		return refuse(
			"MISSING_SCOPES",
			`refused: "${call.name}" needs the scope(s) ${missing.join(", ")}, which the caller lacks`,
		);
	}
	const invalid = invalidArguments(tool, call.args);
	if (invalid !== undefined)
		return refuse(
			"INVALID_ARGUMENTS",
			`invalid arguments for "${call.name}": ${invalid}`,
		);
	return onceResult(ctx, `tool:${call.id}`, () =>
		observeToolCall(
			ctx,
			call,
			() => runTool(tool, call, ctx),
			tool.description,
		),
	);
}

async function runTool(
	tool: StructuredToolInterface,
	call: PendingToolCall,
	ctx: NodeContext,
): Promise<ToolMessage> {
	try {
		const out: unknown = await tool.invoke(
			{ id: call.id, name: call.name, args: call.args, type: "tool_call" },
			// the core types callbacks loosely (it has no LangChain): they are LangChain's here
			withConfigurable(callConfig(ctx), ctx) as RunnableConfig,
		);
		return toToolMessage(out, call);
	} catch (error) {
		if (ctx.signal.aborted) throw error;
		const text = thrownMessage(error);
		ctx.emit({
			kind: "tool-error",
			tool: call.name,
			toolCallId: call.id,
			error: text,
		} satisfies ToolEvent);
		return answeredError(errorMessage(call, text), error);
	}
}

/** The call's options with the run's context (and thread) as LangChain's `configurable`. */
function withConfigurable(
	options: ReturnType<typeof callConfig>,
	ctx: NodeContext,
): ReturnType<typeof callConfig> & { configurable: Record<string, unknown> } {
	const out = options as ReturnType<typeof callConfig> & {
		configurable: Record<string, unknown>;
	};
	out.configurable = { ...ctx.context, thread_id: ctx.threadId };
	return out;
}

function toToolMessage(out: unknown, call: PendingToolCall): ToolMessage {
	if (ToolMessage.isInstance(out)) {
		if (out.tool_call_id === call.id && out.status !== undefined) return out;
		// a new message rather than new fields: serialization reads the constructor's fields
		return new ToolMessage({
			...(out.lc_kwargs as object),
			content: out.content,
			tool_call_id: call.id,
			status: out.status ?? "success",
			...(out.artifact === undefined ? {} : { artifact: out.artifact }),
		} as ConstructorParameters<typeof ToolMessage>[0] & object);
	}
	return new ToolMessage({
		content: typeof out === "string" ? out : JSON.stringify(out),
		tool_call_id: call.id,
		name: call.name,
		status: "success",
	});
}
