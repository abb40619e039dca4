import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { configInvalid, describe } from "../config-check.ts";
import type { InvokableModel } from "../context/summarize-messages.ts";
import { type Guard, type GuardStage, mapText, textOf } from "./guard.ts";

/** Options of `blockedTopicsGuard`. */
export interface BlockedTopicsGuardOptions {
	/** A (cheap) model that names the topic of a text. */
	classifier: InvokableModel;
	topics: string[];
	/** Default ["input"]. */
	stages?: GuardStage[] | undefined;
	/** "block" (default); "rewrite" replaces a blocked answer with `refusal` (input is always blocked). */
	action?: "block" | "rewrite" | undefined;
	refusal?: string | undefined;
	name?: string | undefined;
}

/** Asks a classifier model whether the user's last message (or the answer) is about a blocked topic. */
export function blockedTopicsGuard(options: BlockedTopicsGuardOptions): Guard {
	const topics: unknown = options?.topics;
	if (
		!Array.isArray(topics) ||
		topics.length === 0 ||
		!topics.every((t) => typeof t === "string" && t.trim() !== "")
	)
		throw configInvalid(
			`blockedTopicsGuard needs a non-empty list of topics, got ${describe(topics)}${Array.isArray(topics) && topics.length === 0 ? " (empty)" : ""}`,
			'pass topics: ["politics", …] (non-empty strings); with no topic to block, leave the guard out',
		);
	if (typeof options.classifier?.invoke !== "function")
		throw configInvalid(
			`blockedTopicsGuard's classifier is not a model (got ${describe(options.classifier)})`,
			"pass a (cheap) chat model as classifier",
		);
	const instruction = `You are a topic classifier. Blocked topics: ${options.topics.map((t) => `"${t}"`).join(", ")}. If the text is about one of them, reply with that topic exactly; otherwise reply NONE. Reply with nothing else.`;
	const name = options.name ?? "blocked-topics";
	return {
		name,
		stages: options.stages ?? ["input"],
		action: options.action ?? "block",
		async check(ctx) {
			const target =
				ctx.stage === "output"
					? ctx.output
					: ctx.messages.findLast((m) => m.getType() === "human");
			if (target === undefined) return { ok: true };
			const asked = [
				new SystemMessage(instruction),
				new HumanMessage(textOf(target)),
			];
			const reply = await options.classifier.invoke(
				asked,
				ctx.signal === undefined ? {} : { signal: ctx.signal },
			);
			ctx.countCall?.(name, options.classifier, asked, reply);
			const said = (
				typeof reply.content === "string"
					? reply.content
					: JSON.stringify(reply.content)
			)
				.trim()
				.toLowerCase();
			const topic = options.topics.find((t) => said.includes(t.toLowerCase()));
			if (topic === undefined) return { ok: true };
			const findings = [{ kind: "blocked_topic", excerpt: topic }];
			if (
				ctx.stage === "output" &&
				ctx.output !== undefined &&
				options.refusal !== undefined
			) {
				const refusal = options.refusal;
				return {
					ok: false,
					findings,
					rewrite: { output: mapText(ctx.output, () => refusal) },
				};
			}
			return { ok: false, findings };
		},
	};
}
