import { ConfigError, thrownMessage } from "@weft/checkpoint";
import type { ModelErrorKind } from "../errors.ts";

/** What the chain does with a failed attempt. */
export type ErrorAction = "retry" | "fallback" | "fail";

/** Which error kinds are retried on the same model and which move on to the next model; the rest fail. */
export interface ErrorPolicy {
	/** Kinds retried on the same model (up to its `maxRetries`). Default: rate_limit, server, timeout, network. */
	retryOn?: ModelErrorKind[] | undefined;
	/** Kinds that move to the next model once retries are spent. Default: the same four and context_length. */
	fallbackOn?: ModelErrorKind[] | undefined;
	/** Escape hatch: decide per error; return undefined to use the lists. A "retry" past maxRetries falls back. */
	decide?:
		| ((error: unknown, info: ErrorInfo) => ErrorAction | undefined)
		| undefined;
}

/** What could be read off a provider error. */
export interface ErrorInfo {
	kind: ModelErrorKind;
	status?: number | undefined;
	retryAfterMs?: number | undefined;
	message: string;
}

const ACTIONS: readonly ErrorAction[] = ["retry", "fallback", "fail"];

export const TRANSIENT_KINDS: readonly ModelErrorKind[] = [
	"rate_limit",
	"server",
	"timeout",
	"network",
];

/** A prompt too long for one model may fit the next one's window; sending it again to the same model is pointless. */
export const FALLBACK_KINDS: readonly ModelErrorKind[] = [
	...TRANSIENT_KINDS,
	"context_length",
];

// How OpenAI, Anthropic, Google, Bedrock, Mistral and servers like vLLM word a prompt over the window.
const CONTEXT_LENGTH_TEXT =
	/context[ _-]?(length|window)|prompt is too long|input is too long|too many (input )?tokens|(token count|tokens?) .*exceeds? the maximum/i;

/** A 400/413 (or a status-less error) that says the prompt does not fit the model's context window. */
function isContextLength(e: Bag, status: number | undefined): boolean {
	if (
		e.lc_error_code === "CONTEXT_OVERFLOW" ||
		e.name === "ContextOverflowError"
	)
		return true;
	if (status === 413) return true;
	if (status !== undefined && status !== 400) return false;
	const inner = asBag(e.error);
	for (const code of [e.code, e.type, inner?.code, inner?.type])
		if (code === "context_length_exceeded") return true;
	return CONTEXT_LENGTH_TEXT.test(String(e.message ?? ""));
}

const NETWORK_CODES = new Set([
	"ECONNRESET",
	"ECONNREFUSED",
	"ENOTFOUND",
	"EAI_AGAIN",
	"EPIPE",
	"ETIMEDOUT",
	"UND_ERR_SOCKET",
	"UND_ERR_CONNECT_TIMEOUT",
]);

type Bag = Record<string, unknown>;
const asBag = (v: unknown): Bag | undefined =>
	typeof v === "object" && v !== null ? (v as Bag) : undefined;

function readStatus(e: Bag): number | undefined {
	for (const v of [e.status, e.statusCode, asBag(e.response)?.status]) {
		if (typeof v === "number" && v >= 100 && v < 600) return v;
	}
	return undefined;
}

function readHeader(e: Bag, name: string): string | undefined {
	for (const h of [
		e.headers,
		asBag(e.response)?.headers,
		asBag(e.error)?.headers,
	]) {
		if (h === undefined || h === null) continue;
		if (typeof (h as Headers).get === "function") {
			const v = (h as Headers).get(name);
			if (v !== null && v !== undefined) return v;
		} else {
			const v = (h as Bag)[name] ?? (h as Bag)[name.toLowerCase()];
			if (typeof v === "string" || typeof v === "number") return String(v);
		}
	}
	return undefined;
}

/** Reads `retry-after-ms`, `retry-after` (seconds or an HTTP date) or a `retryAfterMs` field; undefined when absent. */
export function readRetryAfterMs(
	error: unknown,
	now = Date.now(),
): number | undefined {
	const e = asBag(error);
	if (e === undefined) return undefined;
	if (typeof e.retryAfterMs === "number") return Math.max(0, e.retryAfterMs);
	const ms = Number(readHeader(e, "retry-after-ms"));
	if (
		Number.isFinite(ms) &&
		ms >= 0 &&
		readHeader(e, "retry-after-ms") !== undefined
	)
		return ms;
	const raw =
		readHeader(e, "retry-after") ??
		(e.retryAfter as string | number | undefined);
	if (raw === undefined) return undefined;
	const seconds = Number(raw);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(raw));
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function kindOf(e: Bag, status: number | undefined): ModelErrorKind {
	if (e.reason === "MODEL_TIMEOUT") return "timeout";
	if (isContextLength(e, status)) return "context_length";
	if (status !== undefined) {
		if (status === 429) return "rate_limit";
		if (status === 408) return "timeout";
		if (status === 401 || status === 403) return "auth";
		if (status === 404) return "not_found";
		if (status >= 500) return "server";
		if (status >= 400) return "bad_request";
	}
	const name = String(e.name ?? "");
	const code = String(e.code ?? asBag(e.cause)?.code ?? "");
	if (e.lc_error_code === "MODEL_RATE_LIMIT") return "rate_limit";
	// SDKs name their status-less errors: APIConnectionTimeoutError, APIConnectionError, TimeoutError.
	if (/timeout/i.test(name) || code === "ETIMEDOUT") return "timeout";
	if (/connection/i.test(name)) return "network";
	if (name === "AbortError") return "aborted";
	if (NETWORK_CODES.has(code)) return "network";
	if (name === "TypeError" && /fetch failed|network/i.test(String(e.message)))
		return "network";
	return "unknown";
}

/** The standard reason phrase of each status read from a message, so that "429 Too Many Requests" counts. */
const REASON_PHRASES: Record<number, RegExp> = {
	400: /^bad request\b/i,
	401: /^unauthorized\b/i,
	403: /^forbidden\b/i,
	404: /^not found\b/i,
	408: /^request time-?out\b/i,
	413: /^(payload|request entity) too large\b/i,
	429: /^too many requests\b/i,
	500: /^internal server error\b/i,
	502: /^bad gateway\b/i,
	503: /^service unavailable\b/i,
	504: /^gateway time-?out\b/i,
	529: /^overloaded\b/i,
};

/** "status 503", "status code: 503", "statusCode=503", "HTTP 503", "HTTP/1.1 503". */
const STATUS_WORDS =
	/\b(?:status(?:[ _]?code)?|HTTP(?:\/\d(?:\.\d)?)?)\s*[:=]?\s*([45]\d\d)\b/i;

/**
 * A 4xx/5xx status an error says only in its message (a proxy's, a hand-made client's): after the word
 * status or HTTP, or followed by its own reason phrase. Any other number in the text is left alone.
 */
function statusInText(message: string): number | undefined {
	const said = STATUS_WORDS.exec(message);
	if (said !== null) return Number(said[1]);
	for (const m of message.matchAll(/\b([45]\d\d) +(?=\S)/g)) {
		const phrase = REASON_PHRASES[Number(m[1])];
		if (phrase?.test(message.slice(m.index + m[0].length)) === true)
			return Number(m[1]);
	}
	return undefined;
}

/** Reads status, kind and Retry-After off any thrown value (OpenAI, Anthropic, Google and fetch errors alike). */
export function describeError(error: unknown): ErrorInfo {
	const e = asBag(error) ?? { message: thrownMessage(error) };
	let status = readStatus(e);
	let kind = kindOf(e, status);
	// a status only in the text counts only where nothing else about the error said what it is
	if (kind === "unknown" && status === undefined) {
		const said = statusInText(String(e.message ?? ""));
		if (said !== undefined) {
			status = said;
			kind = kindOf(e, said);
		}
	}
	return {
		kind,
		status,
		retryAfterMs: readRetryAfterMs(e),
		message: typeof e.message === "string" ? e.message : thrownMessage(error),
	};
}

/** Applies the policy: the escape hatch first, then the retry list, then the fallback list; anything else fails. */
export function decideAction(
	error: unknown,
	info: ErrorInfo,
	policy: ErrorPolicy,
	canRetry: boolean,
): ErrorAction {
	let custom: unknown;
	try {
		custom = policy.decide?.(error, info);
	} catch (thrown) {
		throw new ConfigError(
			"CONFIG_INVALID",
			`errorPolicy.decide threw on a failed attempt (${info.kind}${info.status === undefined ? "" : ` ${info.status}`}: ${info.message}): ${thrownMessage(thrown)}`,
			{
				cause: thrown,
				hint: 'fix errorPolicy.decide: it must return "retry", "fallback", "fail" or undefined (use the lists), and not throw',
			},
		);
	}
	if (custom === undefined || custom === null) custom = undefined;
	else if (!ACTIONS.includes(custom as ErrorAction))
		throw new ConfigError(
			"CONFIG_INVALID",
			`errorPolicy.decide returned ${typeof custom === "string" ? `"${custom}"` : thrownMessage(custom)}, not an action`,
			{
				hint: 'return "retry", "fallback", "fail" or undefined (use the lists)',
			},
		);
	if (custom !== undefined)
		return custom === "retry" && !canRetry
			? "fallback"
			: (custom as ErrorAction);
	if (info.kind === "aborted") return "fail";
	if (canRetry && (policy.retryOn ?? TRANSIENT_KINDS).includes(info.kind))
		return "retry";
	if ((policy.fallbackOn ?? FALLBACK_KINDS).includes(info.kind))
		return "fallback";
	return "fail";
}
