import { keysOf, unknownKey } from "@weft/checkpoint";
import {
	checkNumber,
	checkOptionObject,
	configInvalid,
	describe,
} from "../config-check.ts";
import type { ModelErrorKind } from "../errors.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { ErrorPolicy } from "./classify-error.ts";

// The router's `retry`, `timeoutMs` and `errorPolicy` (and each model entry's `retry` and `timeoutMs`).

const JITTER = ["full", "equal", "none"];
const BACKOFF_KEYS = keysOf<BackoffOptions>({
	maxRetries: true,
	initialDelayMs: true,
	factor: true,
	maxDelayMs: true,
	jitter: true,
	maxRetryAfterMs: true,
});
const ERROR_POLICY_KEYS = keysOf<ErrorPolicy>({
	retryOn: true,
	fallbackOn: true,
	decide: true,
});
const ERROR_KINDS = keysOf<Record<ModelErrorKind, unknown>>({
	rate_limit: true,
	server: true,
	timeout: true,
	network: true,
	bad_request: true,
	context_length: true,
	auth: true,
	not_found: true,
	aborted: true,
	unavailable: true,
	unknown: true,
});

export function checkBackoff(retry: BackoffOptions | undefined, where: string) {
	checkOptionObject(retry, where, BACKOFF_KEYS);
	if (retry === undefined) return;
	checkNumber(retry.maxRetries, `${where}.maxRetries`, { integer: true });
	checkNumber(retry.initialDelayMs, `${where}.initialDelayMs`, { timer: true });
	checkNumber(retry.factor, `${where}.factor`, { min: 1 });
	checkNumber(retry.maxDelayMs, `${where}.maxDelayMs`, { timer: true });
	checkNumber(retry.maxRetryAfterMs, `${where}.maxRetryAfterMs`, {
		timer: true,
	});
	if (retry.jitter !== undefined && !JITTER.includes(retry.jitter))
		throw configInvalid(
			`${where}.jitter is ${describe(retry.jitter)}`,
			`use one of: ${JITTER.join(", ")}`,
		);
}

export function checkTimeout(value: unknown, where: string) {
	checkNumber(value, where, { positive: true, timer: true });
}

/** `errorPolicy`: known keys, lists of known error kinds (`"ratelimit"` turned off retrying 429s), a function. */
export function checkErrorPolicy(policy: ErrorPolicy | undefined): void {
	checkOptionObject(policy, "errorPolicy", ERROR_POLICY_KEYS);
	if (policy === undefined) return;
	for (const key of ["retryOn", "fallbackOn"] as const) {
		const kinds: unknown = policy[key];
		if (kinds === undefined) continue;
		if (!Array.isArray(kinds))
			throw configInvalid(
				`errorPolicy.${key} must be a list of error kinds, got ${describe(kinds)}`,
				`pass ${key}: ["rate_limit", "server"]; the kinds are ${[...ERROR_KINDS].join(", ")}`,
			);
		kinds.forEach((kind: unknown, i) => {
			if (typeof kind === "string" && ERROR_KINDS.has(kind)) return;
			const near =
				typeof kind === "string"
					? unknownKey({ [kind]: true }, ERROR_KINDS)
					: undefined;
			const meant = near?.hint.match(/^did you mean (\S+)\?/)?.[1];
			throw configInvalid(
				`errorPolicy.${key}[${i}] is ${describe(kind)}, not an error kind`,
				`${meant === undefined ? "" : `did you mean ${meant}? `}The kinds are ${[...ERROR_KINDS].join(", ")}`,
			);
		});
	}
	if (policy.decide !== undefined && typeof policy.decide !== "function")
		throw configInvalid(
			`errorPolicy.decide must be a function, got ${describe(policy.decide)}`,
			'pass decide: (error, info) => "retry" | "fallback" | "fail" | undefined, or leave it out',
		);
}
