import {
	isWeftError,
	thrownMessage,
	WeftError,
	type WeftErrorCode,
	type WeftErrorOptions,
} from "@weft/checkpoint";
import type { SideCall } from "./call/finish-call.ts";

/**
 * The codes @weft/models needs, mapped to the closest code of the closed list in @weft/checkpoint
 * until the list has them (then this table becomes the identity and is removed).
 */
export const MODEL_ERROR_CODES = {
	MODEL_REQUEST_INVALID: "MODEL_REQUEST_INVALID",
	MODEL_UNAVAILABLE: "MODEL_UNAVAILABLE",
	MODEL_TIMEOUT: "MODEL_TIMEOUT",
	RATE_LIMIT_TIMEOUT: "RATE_LIMIT_TIMEOUT",
	GUARDRAIL_TRIPPED: "GUARDRAIL_TRIPPED",
	NO_ROUTE: "NO_ROUTE",
} as const satisfies Record<string, WeftErrorCode>;

/** What went wrong with a provider call, as the fallback policy sees it. */
export type ModelErrorKind =
	| "rate_limit"
	| "server"
	| "timeout"
	| "network"
	| "bad_request"
	/** The prompt is longer than the model's context window (a 400 or 413 saying so): a larger model may take it. */
	| "context_length"
	| "auth"
	| "not_found"
	| "aborted"
	/** A balanced model had no deployment that may take the call (circuits open, or all failed in this call). */
	| "unavailable"
	| "unknown";

/** One failed attempt, kept on the final error so nothing about the chain is lost. */
export interface AttemptFailure {
	model: string;
	/** For a balanced model: the deployment the attempt went to. */
	deployment?: string | undefined;
	attempt: number;
	kind: ModelErrorKind;
	status?: number | undefined;
	message: string;
}

/** A model call failed: `reason` says why (the code it will carry), `attempts` lists every try. */
export class ModelError extends WeftError {
	readonly reason:
		| "MODEL_REQUEST_INVALID"
		| "MODEL_UNAVAILABLE"
		| "MODEL_TIMEOUT";
	readonly model: string | undefined;
	readonly attempts: AttemptFailure[];
	constructor(
		reason: ModelError["reason"],
		message: string,
		options: WeftErrorOptions & {
			model?: string | undefined;
			attempts?: AttemptFailure[];
		} = {},
	) {
		super(MODEL_ERROR_CODES[reason], message, options);
		this.reason = reason;
		this.model = options.model;
		this.attempts = options.attempts ?? [];
	}
}

/**
 * A caller waited longer than its `maxWaitMs` for a rate-limit slot; nothing was sent. Thrown by a router
 * when no model of the chain is left to fall back to; `attempts` lists what the chain tried (decision 0255).
 */
export class RateLimitTimeoutError extends WeftError {
	readonly reason = "RATE_LIMIT_TIMEOUT" as const;
	readonly key: string;
	readonly waitedMs: number;
	readonly attempts: AttemptFailure[];
	constructor(
		key: string,
		waitedMs: number,
		options: { attempts?: AttemptFailure[] | undefined } = {},
	) {
		super(
			MODEL_ERROR_CODES.RATE_LIMIT_TIMEOUT,
			`no rate-limit slot for "${key}" within ${waitedMs} ms`,
			{
				hint: "raise maxWaitMs, lower the traffic, or raise the limits for this key",
			},
		);
		this.key = key;
		this.waitedMs = waitedMs;
		this.attempts = options.attempts ?? [];
	}
}

/** What a guard found; `excerpt` is always redacted. */
export interface GuardFinding {
	kind: string;
	excerpt: string;
	messageIndex?: number | undefined;
}

/** A guard tripped with `action: "block"`: which guard, at which stage, what it found (redacted). */
export class GuardrailError extends WeftError {
	readonly reason = "GUARDRAIL_TRIPPED" as const;
	readonly guard: string;
	readonly stage: "input" | "output";
	readonly findings: GuardFinding[];
	constructor(
		guard: string,
		stage: "input" | "output",
		findings: GuardFinding[],
		options: WeftErrorOptions & { message?: string | undefined } = {},
	) {
		const kinds = [...new Set(findings.map((f) => f.kind))].join(", ");
		const { message, ...rest } = options;
		super(
			MODEL_ERROR_CODES.GUARDRAIL_TRIPPED,
			message ??
				`guard "${guard}" blocked the ${stage}: ${kinds || "rejected"}`,
			{
				hint: `change the ${stage === "input" ? "message" : "prompt"} so that it passes, or give the guard action "rewrite" to repair instead of blocking (see error.findings)`,
				...rest,
			},
		);
		this.guard = guard;
		this.stage = stage;
		this.findings = findings;
	}
}

/**
 * A guard could not decide (it threw, or its classifier model failed): the call is blocked, fail-closed,
 * as a GuardrailError naming the guard, with the original as `cause`.
 */
export function guardFailed(
	guard: string,
	stage: "input" | "output",
	error: unknown,
): GuardrailError {
	return new GuardrailError(
		guard,
		stage,
		[{ kind: "guard_failed", excerpt: "the guard threw" }],
		{
			message: `guard "${guard}" failed on the ${stage} (the call is blocked): ${thrownMessage(error)}`,
			cause: error,
			hint: `fix the guard "${guard}" (or its classifier model); a guard that cannot decide blocks the call`,
		},
	);
}

/** The router found no model for a call (features, context window or cost ceiling ruled all out). */
export class NoRouteError extends WeftError {
	readonly reason = "NO_ROUTE" as const;
	constructor(message: string, options: WeftErrorOptions = {}) {
		super(MODEL_ERROR_CODES.NO_ROUTE, message, options);
	}
}

/**
 * Any error out of a router call as a WeftError: Weft's own pass through; a cancelled call becomes
 * RUN_CANCELLED; anything else (a hook, a guard's classifier, a bug) NODE_FAILED, with the original as `cause`.
 */
export function toWeftError(
	error: unknown,
	signal?: AbortSignal | undefined,
): WeftError {
	if (isWeftError(error)) return error;
	if (signal?.aborted === true) {
		const detail = error instanceof Error ? `: ${error.message}` : "";
		return new WeftError(
			"RUN_CANCELLED",
			`the model call was cancelled${detail}`,
			{
				cause: error,
				hint: "its signal was aborted (the run was cancelled, or its node timed out); run again to make the call",
			},
		);
	}
	if (error instanceof Error) return WeftError.from(error, "NODE_FAILED");
	return new WeftError(
		"NODE_FAILED",
		`the model call failed with a thrown ${error === null ? "null" : typeof error}: ${thrownMessage(error)}`,
		{
			cause: error,
			hint: "something (a model, hook or callback) threw a value that is not an Error; throw an Error with a message",
		},
	);
}

/**
 * Keeps on a failed call's error what the call paid for before it failed (an answer an output guard
 * blocked, the summariser's or a guard classifier's calls), as `spentCalls` (not enumerable), each as an
 * answer's `sideCalls` entry: a graph adds them to the run's usage (`@weft/graph/llm`'s `callModel`).
 */
export function withSpent(error: WeftError, spent: SideCall[]): WeftError {
	if (spent.length > 0)
		Object.defineProperty(error, "spentCalls", {
			value: spent,
			configurable: true,
			writable: true,
		});
	return error;
}
