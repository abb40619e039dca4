import type { CallbackManager } from "@langchain/core/callbacks/manager";
import {
	type AIMessage,
	type BaseMessage,
	mapChatMessagesToStoredMessages,
	mapStoredMessageToChatMessage,
	type UsageMetadata,
} from "@langchain/core/messages";
import { isWeftError } from "@weft/checkpoint";
import { type GuardFinding, GuardrailError, guardFailed } from "../errors.ts";
import type { ModelEvent } from "../events.ts";

/** Where a guard runs: on what is sent, or on what comes back. */
export type GuardStage = "input" | "output";

/** What a guard sees. */
export interface GuardContext {
	stage: GuardStage;
	/** The messages sent (after earlier input guards and the context hook). */
	messages: BaseMessage[];
	/** Output stage: the model's answer (after earlier output guards). */
	output?: AIMessage | undefined;
	/** Output stage: ask the same route again with these messages (used for one repair). */
	retry?: ((messages: BaseMessage[]) => Promise<AIMessage>) | undefined;
	signal?: AbortSignal | undefined;
	/**
	 * A guard that asks a model of its own (a classifier) reports each such call here, with what it sent
	 * and the reply: the call is recorded in the router's usage (route `guard.<name>`), as it was paid for.
	 */
	countCall?:
		| ((
				guard: string,
				model: unknown,
				asked: BaseMessage[],
				reply: { content: unknown; usage_metadata?: UsageMetadata | undefined },
		  ) => void)
		| undefined;
	/**
	 * A guard that asks a model of its own makes the call through this when given (a router gives it):
	 * the call gets the router's `retry` and `errorPolicy`, and its last failure is a ModelError
	 * (MODEL_UNAVAILABLE, MODEL_TIMEOUT…) naming the guard, not GUARDRAIL_TRIPPED (decision 0228). `model`:
	 * the model called, which its retry events name (decision 0244). `call` gets the options to pass to
	 * the model's `invoke` (merge them into your own), so that each attempt reaches the run's callbacks
	 * as a chat model run under the router's (decision 0251).
	 */
	callModel?:
		| (<T>(
				guard: string,
				call: (options: SideCallOptions) => Promise<T>,
				model?: unknown,
		  ) => Promise<T>)
		| undefined;
}

/** What a guard's own model call passes to the model's `invoke`: the router's run's callbacks, when any listen. */
export type SideCallOptions = {
	callbacks?: CallbackManager | undefined;
};

/** A guard's answer: pass, or what it found and, for rewriting guards, the rewritten messages or output. */
export type GuardVerdict =
	| { ok: true }
	| {
			ok: false;
			findings: GuardFinding[];
			rewrite?:
				| {
						messages?: BaseMessage[] | undefined;
						output?: AIMessage | undefined;
				  }
				| undefined;
			/** The guard fixed the output by asking again (structured output repair): recorded, not blocked. */
			repaired?: boolean | undefined;
	  };

/** A check on input or output: composable by listing several, each sees the previous one's rewrite. */
export interface Guard {
	name: string;
	stages: GuardStage[];
	/** "block": a trip throws GuardrailError; "rewrite": the guard's rewrite is used (block when it has none). */
	action: "block" | "rewrite";
	check(ctx: GuardContext): GuardVerdict | Promise<GuardVerdict>;
	/** Tool names this guard allows; the router binds only those (tool allow-lists). */
	allowedTools?: readonly string[] | undefined;
}

/** Runs the guards of one stage in order; returns the (possibly rewritten) messages and output. */
export async function runGuards(
	guards: readonly Guard[],
	ctx: GuardContext,
	emit: (event: ModelEvent) => void = () => {},
	callId = "",
): Promise<{ messages: BaseMessage[]; output: AIMessage | undefined }> {
	let { messages, output } = ctx;
	for (const guard of guards) {
		if (!guard.stages.includes(ctx.stage)) continue;
		let verdict: GuardVerdict;
		try {
			verdict = await guard.check({ ...ctx, messages, output });
		} catch (error) {
			// Weft's own errors (a repair call's ModelError) and cancellations keep their meaning.
			if (isWeftError(error) || ctx.signal?.aborted === true) throw error;
			throw guardFailed(guard.name, ctx.stage, error);
		}
		// an answer that is not a verdict cannot decide either: blocked, fail-closed
		if (
			typeof verdict !== "object" ||
			verdict === null ||
			typeof verdict.ok !== "boolean" ||
			(!verdict.ok && !Array.isArray(verdict.findings))
		)
			throw guardFailed(
				guard.name,
				ctx.stage,
				new Error(
					`its check returned ${JSON.stringify(verdict) ?? String(verdict)}, not { ok: true } or { ok: false, findings }`,
				),
			);
		if (verdict.ok) continue;
		const base = {
			type: "guardrail",
			callId,
			guard: guard.name,
			stage: ctx.stage,
			findings: verdict.findings,
		} as const;
		const rewrite = verdict.rewrite;
		if (verdict.repaired === true && rewrite !== undefined) {
			emit({ ...base, action: "repaired" });
		} else if (guard.action === "rewrite" && rewrite !== undefined) {
			emit({ ...base, action: "rewrote" });
		} else {
			emit({ ...base, action: "blocked" });
			throw new GuardrailError(guard.name, ctx.stage, verdict.findings);
		}
		messages = rewrite.messages ?? messages;
		output = rewrite.output ?? output;
	}
	return { messages, output };
}

/** The text of a message's content (text parts joined). */
export function textOf(m: BaseMessage): string {
	if (typeof m.content === "string") return m.content;
	return m.content
		.map((p) =>
			typeof p === "string" ? p : p.type === "text" ? String(p.text) : "",
		)
		.join("");
}

/** A copy of `m` (same class, fields and tool calls) with every text part passed through `fn`. */
export function mapText<TMessage extends BaseMessage>(
	m: TMessage,
	fn: (text: string) => string,
): TMessage {
	const [stored] = mapChatMessagesToStoredMessages([m]);
	const data = stored!.data as { content: unknown };
	data.content =
		typeof data.content === "string"
			? fn(data.content)
			: (data.content as Record<string, unknown>[]).map((p) =>
					p.type === "text" && typeof p.text === "string"
						? { ...p, text: fn(p.text) }
						: p,
				);
	return mapStoredMessageToChatMessage(stored!) as unknown as TMessage;
}
