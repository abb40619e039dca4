import {
	type BaseMessage,
	HumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import { configInvalid, describe } from "../config-check.ts";
import type { InvokableModel } from "../context/summarize-messages.ts";
import {
	type Guard,
	type GuardStage,
	mapText,
	type SideCallOptions,
	textOf,
} from "./guard.ts";

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
const OPTION_KEYS = keysOf<BlockedTopicsGuardOptions>({
	classifier: true,
	topics: true,
	stages: true,
	action: true,
	refusal: true,
	name: true,
});

export function blockedTopicsGuard(options: BlockedTopicsGuardOptions): Guard {
	refuseUnknownKeys(options, OPTION_KEYS, "blockedTopicsGuard");
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
	const seen = new Map<string, string>();
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
			// an agent's turn checks its user's message again at each model call: asked once
			const text = textOf(target);
			const key = ctx.stage === "input" ? digest(text) : undefined;
			const known = key === undefined ? undefined : seen.get(key);
			if (known !== undefined) return verdictOf(known, ctx);
			const asked = [new SystemMessage(instruction), new HumanMessage(text)];
			const ask = (side: SideCallOptions = {}) =>
				options.classifier.invoke(
					asked,
					ctx.signal === undefined ? side : { ...side, signal: ctx.signal },
				);
			const reply = await (ctx.callModel?.(name, ask, options.classifier) ??
				ask());
			ctx.countCall?.(name, options.classifier, asked, reply);
			// the reply's text (a provider's content blocks read as their text parts, not as JSON)
			const content = reply.content;
			const topic = namedTopic(
				typeof content === "string" || Array.isArray(content)
					? textOf(reply as BaseMessage)
					: JSON.stringify(content),
				options.topics,
			);
			if (key !== undefined) remember(seen, key, topic ?? "");
			return verdictOf(topic ?? "", ctx);
		},
	};

	function verdictOf(
		topic: string,
		ctx: Parameters<Guard["check"]>[0],
	): Awaited<ReturnType<Guard["check"]>> {
		if (topic === "") return { ok: true };
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
	}
}

/** Input texts already classified, by digest ("": no blocked topic), the newest last; at most `SEEN`. */
const SEEN = 256;
const digest = (text: string): string =>
	process
		.getBuiltinModule("node:crypto")
		.createHash("sha256")
		.update(text)
		.digest("base64");
function remember(seen: Map<string, string>, text: string, topic: string) {
	seen.delete(text);
	seen.set(text, topic);
	if (seen.size > SEEN) seen.delete(seen.keys().next().value!);
}

/** Letters and digits apart, lower case: "Legal  Advice." and "legal advice" read alike. */
const words = (text: string): string[] =>
	text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * The blocked topic a classifier's reply names: none when it starts with NONE (a wordy classifier goes on
 * "NONE - this is about software"), else the first topic whose words stand in the reply as whole words in
 * a row ("war" is not in "software", nor "art" in "party").
 */
function namedTopic(
	reply: string,
	topics: readonly string[],
): string | undefined {
	const said = words(reply);
	if (said[0] === "none") return undefined;
	return topics.find((topic) => {
		const t = words(topic);
		if (t.length === 0) return false;
		for (let i = 0; i + t.length <= said.length; i++)
			if (t.every((w, k) => said[i + k] === w)) return true;
		return false;
	});
}
