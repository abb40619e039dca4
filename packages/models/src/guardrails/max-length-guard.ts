import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import { checkNumber } from "../config-check.ts";
import { type Guard, type GuardStage, mapText, textOf } from "./guard.ts";

/** Options of `maxLengthGuard`. */
export interface MaxLengthGuardOptions {
	maxChars: number;
	/** Default ["input"]: the last human message. On "output": the answer's text. */
	stages?: GuardStage[] | undefined;
	/** "block" (default) throws GuardrailError; "rewrite" truncates to `maxChars`. */
	action?: "block" | "rewrite" | undefined;
	name?: string | undefined;
}

// a misspelt `stage` was dropped: the guard checked the input when the output was meant
const OPTION_KEYS = keysOf<MaxLengthGuardOptions>({
	maxChars: true,
	stages: true,
	action: true,
	name: true,
});

/** Limits the length of the user's last message and/or of the answer. */
export function maxLengthGuard(options: MaxLengthGuardOptions): Guard {
	refuseUnknownKeys(options, OPTION_KEYS, "maxLengthGuard");
	checkNumber(options?.maxChars, "maxLengthGuard maxChars", {
		min: 1,
		integer: true,
		required: true,
	});
	const cut = (t: string) =>
		t.length > options.maxChars ? `${t.slice(0, options.maxChars - 1)}…` : t;
	return {
		name: options.name ?? "max-length",
		stages: options.stages ?? ["input"],
		action: options.action ?? "block",
		check(ctx) {
			if (ctx.stage === "output") {
				const length = ctx.output === undefined ? 0 : textOf(ctx.output).length;
				if (length <= options.maxChars || ctx.output === undefined)
					return { ok: true };
				const finding = {
					kind: "too_long",
					excerpt: `${length} characters > ${options.maxChars}`,
				};
				return {
					ok: false,
					findings: [finding],
					rewrite: { output: mapText(ctx.output, cut) },
				};
			}
			const i = ctx.messages.findLastIndex((m) => m.getType() === "human");
			const last = ctx.messages[i];
			const length = last === undefined ? 0 : textOf(last).length;
			if (last === undefined || length <= options.maxChars) return { ok: true };
			const messages = [...ctx.messages];
			messages[i] = mapText(last, cut);
			const finding = {
				kind: "too_long",
				excerpt: `${length} characters > ${options.maxChars}`,
				messageIndex: i,
			};
			return { ok: false, findings: [finding], rewrite: { messages } };
		},
	};
}
