import { AIMessage, ToolMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { z } from "zod";
import { human, type NodeContext } from "../index.ts";
import type { MessagesState } from "./llm-node.ts";
import {
	invalidArguments,
	type PendingToolCall,
	pendingToolCalls,
} from "./tool-calls.ts";
import { callerScopes, missingScopes, requiredScopes } from "./tool-scopes.ts";

const toolCall = z.object({
	id: z.string(),
	name: z.string(),
	args: z.record(z.string(), z.unknown()),
});

const decision = z.discriminatedUnion("action", [
	z.object({ action: z.literal("approve") }),
	z.object({ action: z.literal("reject"), reason: z.string().optional() }),
	z.object({
		action: z.literal("edit"),
		args: z.record(z.string(), z.unknown()),
	}),
]);

/**
 * The human checkpoint put before tools that need approval. The request lists the tool calls waiting;
 * the answer is one decision for them all, or `{ byId: { [toolCallId]: decision } }` with a decision for
 * each (needed to edit when several calls wait).
 */
export const toolApproval = human("approve", {
	request: z.object({ toolCalls: z.array(toolCall) }),
	response: z.union([
		decision,
		z.object({ byId: z.record(z.string(), decision) }),
	]),
});

/** What an approval request holds. */
export type ApprovalRequest = z.output<typeof toolApproval.request>;
/** A decision on one tool call. */
export type ApprovalDecision = z.output<typeof decision>;
/** An answer to an approval request. */
export type ApprovalResponse = z.input<typeof toolApproval.response>;

/**
 * The approval node: asks about the calls of the last AI message whose tools are in `names`; rejected
 * calls get a ToolMessage saying so, edited ones replace their arguments in the AI message (same id).
 */
export function approvalNode(
	names: readonly string[],
	tools: readonly StructuredToolInterface[],
): (
	state: MessagesState,
	ctx: NodeContext,
) => Promise<{ messages: Array<AIMessage | ToolMessage> }> {
	const gatedNames = new Set(names);
	const byName = new Map(tools.map((t) => [t.name, t]));
	// a call that cannot run (malformed or invalid arguments) is not put to the human: the tool node
	// answers it with the error an ungated call gets, and the model can correct it (decision 0232)
	const canRun = (c: PendingToolCall) => {
		const tool = byName.get(c.name);
		return (
			c.malformed === undefined &&
			(tool === undefined || invalidArguments(tool, c.args) === undefined)
		);
	};
	return async (state, ctx) => {
		const { ai, calls } = pendingToolCalls(state.messages);
		const gated = calls.filter((c) => gatedNames.has(c.name) && canRun(c));
		if (ai === undefined || gated.length === 0) return { messages: [] };
		const checkpoint = human("approve", {
			request: toolApproval.request,
			response: toolApproval.response.superRefine((answer, issues) => {
				checkAnswer(answer, gated, byName, issues);
				checkScopes(answer, gated, byName, ctx.context, issues);
			}),
		});
		const answer = await checkpoint.ask(ctx, {
			toolCalls: gated.map(({ id, name, args }) => ({ id, name, args })),
		});
		const decide = (c: PendingToolCall): ApprovalDecision =>
			"byId" in answer ? answer.byId[c.id]! : answer;
		const out: Array<AIMessage | ToolMessage> = [];
		const edits = new Map<string, Record<string, unknown>>();
		for (const c of gated) {
			const d = decide(c);
			if (d.action === "edit") edits.set(c.id, d.args);
			if (d.action === "reject") out.push(rejection(c, d.reason));
		}
		if (edits.size > 0) out.unshift(withArgs(ai, edits));
		return { messages: out };
	};
}

function checkAnswer(
	answer: z.output<typeof toolApproval.response>,
	gated: readonly PendingToolCall[],
	byName: ReadonlyMap<string, StructuredToolInterface>,
	ctx: z.RefinementCtx,
): void {
	const ids = new Set(gated.map((c) => c.id));
	if (!("byId" in answer)) {
		if (answer.action === "edit" && gated.length > 1)
			ctx.addIssue({
				code: "custom",
				path: ["action"],
				message: `${gated.length} tool calls wait: answer { byId: { [toolCallId]: decision } } to edit one`,
			});
		if (answer.action === "edit" && gated[0] !== undefined)
			checkArgs(byName.get(gated[0].name), answer.args, ["args"], ctx);
		return;
	}
	for (const id of ids)
		if (!(id in answer.byId))
			ctx.addIssue({
				code: "custom",
				path: ["byId", id],
				message: `no decision for tool call "${id}"`,
			});
	for (const [id, d] of Object.entries(answer.byId)) {
		if (!ids.has(id)) {
			ctx.addIssue({
				code: "custom",
				path: ["byId", id],
				message: `no tool call "${id}" waits for approval`,
			});
			continue;
		}
		const call = gated.find((c) => c.id === id);
		if (d.action === "edit" && call !== undefined)
			checkArgs(byName.get(call.name), d.args, ["byId", id, "args"], ctx);
	}
}

/**
 * An answer that lets calls run must come from a caller whose scopes (`context.scopes` of the resuming
 * run) cover those tools: otherwise it is refused and the request stays pending.
 */
function checkScopes(
	answer: z.output<typeof toolApproval.response>,
	gated: readonly PendingToolCall[],
	byName: ReadonlyMap<string, StructuredToolInterface>,
	context: Readonly<Record<string, unknown>>,
	ctx: z.RefinementCtx,
): void {
	const granted = callerScopes(context);
	for (const c of gated) {
		const d = "byId" in answer ? answer.byId[c.id] : answer;
		const tool = byName.get(c.name);
		if (d === undefined || d.action === "reject" || tool === undefined)
			continue;
		const missing = missingScopes(requiredScopes(tool), granted);
		if (missing.length > 0)
			ctx.addIssue({
				code: "custom",
				path: ["scopes"],
				message: `the caller lacks ${missing.join(", ")}, which "${c.name}" needs: answer from a caller granted them (context.scopes), or reject`,
				params: { missingScopes: missing, tool: c.name },
			});
	}
}

function checkArgs(
	tool: StructuredToolInterface | undefined,
	args: unknown,
	path: PropertyKey[],
	ctx: z.RefinementCtx,
): void {
	const schema = tool?.schema as {
		safeParse?: (v: unknown) => { success: boolean; error?: z.ZodError };
	};
	const declared = declaredArgs(schema);
	const unknown =
		declared === undefined || typeof args !== "object" || args === null
			? []
			: Object.keys(args).filter((k) => !declared.includes(k));
	// the schema would drop them, and the tool run with the values the edit meant to replace
	if (unknown.length > 0)
		ctx.addIssue({
			code: "custom",
			path: [...path, unknown[0]!],
			message: `"${tool?.name}" has no argument ${unknown.map((k) => `"${k}"`).join(", ")}: its arguments are ${declared!.join(", ") || "none"}`,
			params: { unknownArgs: unknown, args: declared },
		});
	if (typeof schema?.safeParse !== "function") return;
	const result = schema.safeParse(args);
	for (const issue of result.error?.issues ?? [])
		ctx.addIssue({
			code: "custom",
			path: [...path, ...issue.path],
			message: issue.message,
		});
}

/**
 * The argument names a tool's schema declares: a zod object's keys, or a JSON schema's `properties`.
 * Undefined when they cannot be read, or when the schema takes other keys as well (`z.looseObject`,
 * a catchall, `additionalProperties`).
 */
function declaredArgs(schema: unknown): string[] | undefined {
	if (typeof schema !== "object" || schema === null) return undefined;
	const s = schema as {
		shape?: unknown;
		_zod?: { def?: { catchall?: unknown } };
		_def?: {
			unknownKeys?: string;
			catchall?: { _def?: { typeName?: string } };
		};
		properties?: unknown;
		additionalProperties?: unknown;
	};
	const isRecord = (v: unknown): v is Record<string, unknown> =>
		typeof v === "object" && v !== null && !Array.isArray(v);
	if (isRecord(s.shape)) {
		// zod 4: a catchall takes other keys (z.never() refuses them itself); zod 3: passthrough or a catchall
		const open =
			s._zod !== undefined
				? s._zod.def?.catchall !== undefined
				: s._def?.unknownKeys === "passthrough" ||
					(s._def?.catchall !== undefined &&
						s._def.catchall._def?.typeName !== "ZodNever");
		return open ? undefined : Object.keys(s.shape);
	}
	if (isRecord(s.properties))
		return s.additionalProperties === true || isRecord(s.additionalProperties)
			? undefined
			: Object.keys(s.properties);
	return undefined;
}

/** A reason as a sentence: ending in a full stop unless it ends in punctuation already. */
const sentence = (text: string) =>
	/[.!?…]["')\]]*$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;

function rejection(
	call: PendingToolCall,
	reason: string | undefined,
): ToolMessage {
	return new ToolMessage({
		content: `The user rejected this call to "${call.name}"${reason ? `: ${sentence(reason)}` : "."} It was not run.`,
		tool_call_id: call.id,
		name: call.name,
		status: "error",
	});
}

type AIFields = ConstructorParameters<typeof AIMessage>[0] & object;

/** The AI message again (same id, so it replaces the original) with some tool calls' arguments edited. */
function withArgs(
	ai: AIMessage,
	edits: ReadonlyMap<string, Record<string, unknown>>,
): AIMessage {
	const { tool_calls: _raw, ...kwargs } = ai.additional_kwargs ?? {};
	return new AIMessage(<AIFields>{
		content: ai.content,
		...(ai.id === undefined ? {} : { id: ai.id }),
		...(ai.name === undefined ? {} : { name: ai.name }),
		tool_calls: (ai.tool_calls ?? []).map((c) =>
			c.id !== undefined && edits.has(c.id)
				? { ...c, args: edits.get(c.id)! }
				: c,
		),
		invalid_tool_calls: ai.invalid_tool_calls ?? [],
		additional_kwargs: kwargs,
		response_metadata: ai.response_metadata,
	});
}
