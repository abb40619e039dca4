// One reader of a provider's token usage (LangChain's `usage_metadata`), shared by @weft/graph/llm and
// @weft/models so that a run's, a thread's and a router's totals read the same numbers (decision 0226).

/** Token counts by kind (`input_token_details`, `output_token_details`): `cache_read`, `reasoning`, … */
export type TokenDetails = Record<string, number | undefined>;

/** A provider's token usage as LangChain's `UsageMetadata` holds it, every count a whole number ≥ 0. */
export interface UsageCounts {
	input_tokens: number;
	output_tokens: number;
	/** Always `input_tokens + output_tokens`. */
	total_tokens: number;
	input_token_details?: TokenDetails | undefined;
	output_token_details?: TokenDetails | undefined;
}

/** A count as it may be trusted: a safe whole number ≥ 0. */
const isCount = (v: unknown): v is number =>
	typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/**
 * A count as a provider may send it, read: a whole number ≥ 0 as it is, a fraction rounded, a numeric
 * string (`"100"`) as its number; anything else (negative, NaN, Infinity, past 2^53, another type) is
 * undefined: not a count.
 */
function readCount(v: unknown): number | undefined {
	if (isCount(v)) return v;
	const n =
		typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
	if (typeof n !== "number" || !(n >= 0)) return undefined;
	const rounded = Math.round(n);
	return Number.isSafeInteger(rounded) ? rounded : undefined;
}

/** Whether every count in `d` (an object of counts, or absent) is one to trust as it is. */
function detailsOk(d: unknown): boolean {
	if (d === undefined) return true;
	if (typeof d !== "object" || d === null) return false;
	for (const k in d) {
		const v = (d as Record<string, unknown>)[k];
		if (v !== undefined && !isCount(v)) return false;
	}
	return true;
}

/** `d`'s readable counts (others left out); undefined when none is. */
function readDetails(d: unknown): TokenDetails | undefined {
	if (typeof d !== "object" || d === null) return undefined;
	const out: TokenDetails = {};
	let any = false;
	for (const [k, v] of Object.entries(d)) {
		const n = readCount(v);
		if (n === undefined) continue;
		out[k] = n;
		any = true;
	}
	return any ? out : undefined;
}

/**
 * A provider's usage (`message.usage_metadata`) read as whole numbers ≥ 0 that add up, or undefined when
 * it is absent or does not say how many tokens went in and came out (`input_tokens` or `output_tokens`
 * missing or unreadable: NaN, negative, past 2^53, not a number): treated as a provider that reported
 * nothing. A numeric string is read as its number; `total_tokens` missing or other than input + output is
 * input + output; an unreadable detail count is left out. Well-formed usage is returned as it is (no copy).
 */
export function readUsage(usage: unknown): UsageCounts | undefined {
	if (typeof usage !== "object" || usage === null) return undefined;
	const u = usage as Record<string, unknown>;
	const input = u.input_tokens;
	const output = u.output_tokens;
	if (
		isCount(input) &&
		isCount(output) &&
		u.total_tokens === input + output &&
		detailsOk(u.input_token_details) &&
		detailsOk(u.output_token_details)
	)
		return usage as UsageCounts;
	const i = readCount(input);
	const o = readCount(output);
	if (i === undefined || o === undefined) return undefined;
	const read: UsageCounts = {
		...(usage as object),
		input_tokens: i,
		output_tokens: o,
		total_tokens: i + o,
	};
	for (const key of ["input_token_details", "output_token_details"] as const) {
		if (detailsOk(u[key])) continue;
		const details = readDetails(u[key]);
		if (details === undefined) delete read[key];
		else read[key] = details;
	}
	return read;
}

/** The `response_metadata` forms of usage older LangChain chat models report, with their count keys. */
const LEGACY_FORMS = [
	// LangChain's older convention (`tokenUsage`, also in `llmOutput`)
	["tokenUsage", "promptTokens", "completionTokens"],
	// a provider's own usage block passed through (OpenAI-style, then Anthropic-style)
	["usage", "prompt_tokens", "completion_tokens"],
	["usage", "input_tokens", "output_tokens"],
] as const;

/**
 * A chat answer's token usage: its `usage_metadata` (read by `readUsage`), else what older or community
 * LangChain models report only in `response_metadata` (`tokenUsage: { promptTokens, completionTokens }`,
 * or the provider's `usage` with `prompt_tokens`/`completion_tokens` or `input_tokens`/`output_tokens`),
 * read the same way; undefined when neither says how many tokens went in and came out.
 */
export function messageUsage(message: unknown): UsageCounts | undefined {
	if (typeof message !== "object" || message === null) return undefined;
	const m = message as {
		usage_metadata?: unknown;
		response_metadata?: unknown;
	};
	const own = readUsage(m.usage_metadata);
	if (own !== undefined) return own;
	const meta = m.response_metadata;
	if (typeof meta !== "object" || meta === null) return undefined;
	for (const [block, input, output] of LEGACY_FORMS) {
		const b = (meta as Record<string, unknown>)[block];
		if (typeof b !== "object" || b === null) continue;
		const counts = b as Record<string, unknown>;
		const read = readUsage({
			input_tokens: counts[input],
			output_tokens: counts[output],
		});
		if (read !== undefined) return read;
	}
	return undefined;
}
