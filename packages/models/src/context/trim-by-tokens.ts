import type { BaseMessage } from "@langchain/core/messages";
import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import { checkNumber, configInvalid, describe } from "../config-check.ts";
import { estimateTokens, type TokenCounter } from "../usage/token-counter.ts";

/** How to trim a conversation. */
export interface TrimOptions {
	/** Token budget for the kept messages. */
	maxTokens: number;
	/** Keep at most the last N turns (a turn starts at a human message). Default: as many as fit. */
	keepLastTurns?: number | undefined;
	/** Default: the ~4 characters per token estimate. */
	tokenCounter?: TokenCounter | undefined;
	/** Keep the leading system message(s). Default true. */
	keepSystem?: boolean | undefined;
	/**
	 * Drop leading non-human messages so the kept part starts with a human turn. Default true. The cut
	 * never goes past the newest human message: if that turn alone is over budget, it is kept whole
	 * (`overBudget: true`), never an AI answer without its question.
	 */
	startOnHuman?: boolean | undefined;
}

/** What was kept and what was cut, with token counts before and after. */
export interface TrimResult {
	messages: BaseMessage[];
	removed: BaseMessage[];
	tokensBefore: number;
	tokensAfter: number;
	/** The kept part is over `maxTokens`: the newest human turn (or last unit) alone did not fit, and is never split. */
	overBudget: boolean;
}

/** The keys of `TrimOptions`: a misspelt one (`keepLastTurn`) was ignored and the conversation kept whole. */
export const TRIM_KEYS = keysOf<TrimOptions>({
	maxTokens: true,
	keepLastTurns: true,
	tokenCounter: true,
	keepSystem: true,
	startOnHuman: true,
});

/**
 * Refuses a bad budget, a misspelt key (`known`: the keys the caller reads) or a value of the wrong
 * type with CONFIG_INVALID (also used by the router at construction).
 */
export function checkTrimOptions(
	options: TrimOptions,
	where: string,
	known: ReadonlySet<string> = TRIM_KEYS,
): void {
	if (options === null || typeof options !== "object" || Array.isArray(options))
		throw configInvalid(
			`${where} must be an object with maxTokens, got ${describe(options)}`,
			"pass options like { maxTokens: 4000 }",
		);
	refuseUnknownKeys(options, known, where);
	for (const key of ["keepSystem", "startOnHuman"] as const) {
		const v: unknown = options[key];
		if (v !== undefined && typeof v !== "boolean")
			throw configInvalid(
				`${where}.${key} must be true or false, got ${describe(v)}`,
				`pass ${key}: true or false, or leave it out for the default (true)`,
			);
	}
	if (
		options.tokenCounter !== undefined &&
		typeof options.tokenCounter !== "function"
	)
		throw configInvalid(
			`${where}.tokenCounter must be a function, got ${describe(options.tokenCounter)}`,
			"pass a function of the messages that returns their token count (e.g. from tokenCounterFor), or leave it out",
		);
	checkNumber(options.maxTokens, `${where}.maxTokens`, { required: true });
	checkNumber(options.keepLastTurns, `${where}.keepLastTurns`, {
		min: 1,
		integer: true,
	});
}

/** The messages to trim are a list of @langchain/core messages (not strings or { role, content } objects). */
export function checkMessages(messages: unknown, where: string): void {
	const bad = !Array.isArray(messages)
		? messages
		: messages.find(
				(m) =>
					m === null ||
					typeof m !== "object" ||
					typeof (m as { getType?: unknown }).getType !== "function",
			);
	if (!Array.isArray(messages) || bad !== undefined)
		throw configInvalid(
			`${where} must be a list of messages, got ${Array.isArray(messages) ? `an array holding ${describe(bad)}` : describe(messages)}`,
			'pass @langchain/core messages, like [new HumanMessage("hi")]',
		);
}

const isTool = (m: BaseMessage) => m.getType() === "tool";
/** An AI message that calls tools: well-formed calls, or malformed ones (which tools still answer). */
const hasToolCalls = (m: BaseMessage) => {
	if (m.getType() !== "ai") return false;
	const ai = m as { tool_calls?: unknown[]; invalid_tool_calls?: unknown[] };
	return (
		(ai.tool_calls?.length ?? 0) > 0 || (ai.invalid_tool_calls?.length ?? 0) > 0
	);
};

/** Groups messages into units that are never split: an AI tool call and the tool results that follow it. */
export function toUnits(messages: BaseMessage[]): BaseMessage[][] {
	const units: BaseMessage[][] = [];
	for (const m of messages) {
		const last = units[units.length - 1];
		if (
			isTool(m) &&
			last !== undefined &&
			(hasToolCalls(last[0]!) || isTool(last[last.length - 1]!))
		)
			last.push(m);
		else units.push([m]);
	}
	return units;
}

/**
 * Keeps the system message and the most recent turns that fit in `maxTokens`, never separating an
 * AI tool call from its ToolMessages. Like LangChain's `trimMessages` with strategy "last", plus the
 * tool-call rule. It never cuts past the newest human message (with `startOnHuman`, the default) or the
 * last unit: when that alone does not fit, it is kept whole and `overBudget` says so.
 * @example
 * const { messages } = await trimByTokens(history, { maxTokens: 4000, keepLastTurns: 10 });
 */
export async function trimByTokens(
	messages: BaseMessage[],
	options: TrimOptions,
): Promise<TrimResult> {
	checkTrimOptions(options, "trimByTokens options");
	checkMessages(messages, "the messages given to trimByTokens");
	return trimChecked(messages, options);
}

/** `trimByTokens` without its checks: for callers whose options were checked once (the router, at construction). */
export async function trimChecked(
	messages: BaseMessage[],
	options: TrimOptions,
): Promise<TrimResult> {
	const count = options.tokenCounter ?? estimateTokens;
	let h = 0;
	if (options.keepSystem ?? true)
		while (messages[h]?.getType() === "system") h++;
	const head = messages.slice(0, h);
	let units = toUnits(messages.slice(h));
	if (options.keepLastTurns !== undefined) {
		let turns = 0;
		let start = units.length;
		while (start > 0 && turns < options.keepLastTurns) {
			start--;
			if (units[start]![0]!.getType() === "human") turns++;
		}
		units = units.slice(start);
	}
	const headTokens = await count(head);
	const sizes = await Promise.all(units.map((u) => count(u)));
	let total = headTokens + sizes.reduce((a, b) => a + b, 0);
	const startOnHuman = options.startOnHuman ?? true;
	const isHuman = (u: BaseMessage[]) => u[0]!.getType() === "human";
	// The furthest the cut may go: the newest human turn, or the last unit when there is no human message.
	const newestHuman = startOnHuman ? units.findLastIndex(isHuman) : -1;
	const limit = newestHuman >= 0 ? newestHuman : units.length - 1;
	let first = 0;
	while (total > options.maxTokens && first < limit) total -= sizes[first++]!;
	if (startOnHuman) {
		while (first < limit && !isHuman(units[first]!)) total -= sizes[first++]!;
	}
	const kept = [...head, ...units.slice(first).flat()];
	const keptSet = new Set(kept);
	return {
		messages: kept,
		removed: messages.filter((m) => !keptSet.has(m)),
		tokensBefore: await count(messages),
		tokensAfter: total,
		overBudget: total > options.maxTokens,
	};
}
