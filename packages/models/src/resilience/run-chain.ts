import { type AttemptFailure, ModelError } from "../errors.ts";
import type { EventError, ModelEvent } from "../events.ts";
import type { ModelEntries, ModelEntry } from "../routing/model-entry.ts";
import { type BackoffOptions, backoffDelay, sleep } from "./backoff.ts";
import {
	decideAction,
	describeError,
	type ErrorInfo,
	type ErrorPolicy,
} from "./classify-error.ts";
import type { RateLimiterRegistry, RateLimitSlot } from "./rate-limiter.ts";
import { withTimeout } from "./with-timeout.ts";

/** Everything the fallback loop needs for one call. */
export interface ChainOptions<T> {
	callId: string;
	models: string[];
	entries: ModelEntries;
	policy: ErrorPolicy;
	retry: BackoffOptions;
	timeoutMs: number | undefined;
	limiters: RateLimiterRegistry;
	estimatedTokens: number;
	maxWaitMs: number | undefined;
	signal: AbortSignal | undefined;
	emit: (event: ModelEvent) => void;
	random: () => number;
	/** One attempt on one model; `signal` aborts on timeout or on the caller's abort. */
	attempt: (name: string, entry: ModelEntry, signal: AbortSignal) => Promise<T>;
}

/** The outcome: which model answered, after how many attempts, and its rate-limit slot (still held). */
export interface ChainResult<T> {
	value: T;
	model: string;
	attempts: number;
	slot: RateLimitSlot | undefined;
}

const toEventError = (info: ErrorInfo): EventError => ({
	kind: info.kind,
	status: info.status,
	message: info.message,
});

function finalError(
	failures: AttemptFailure[],
	cause: unknown,
	info: ErrorInfo,
	exhausted: boolean,
): ModelError {
	const last = failures[failures.length - 1];
	const model = last?.model;
	if (
		!exhausted &&
		(info.kind === "bad_request" || info.kind === "not_found")
	) {
		return new ModelError(
			"MODEL_REQUEST_INVALID",
			`model "${model}" rejected the request: ${info.message}`,
			{
				model,
				attempts: failures,
				cause,
				hint: "fix the request (messages, tools, parameters); it was not sent to another model",
			},
		);
	}
	const reason =
		info.kind === "timeout" ? "MODEL_TIMEOUT" : "MODEL_UNAVAILABLE";
	const tried = [...new Set(failures.map((f) => f.model))].join(", ");
	return new ModelError(
		reason,
		`no model answered (tried ${tried}): ${info.message}`,
		{
			model,
			attempts: failures,
			cause,
			hint: exhausted
				? "add a fallback model, raise maxRetries, or try again later"
				: "this error is not retried or sent to another model; see errorPolicy",
		},
	);
}

/** Tries each model in turn: rate limit, attempt with timeout, retry with backoff, fall back or fail per the policy. */
export async function runChain<T>(o: ChainOptions<T>): Promise<ChainResult<T>> {
	const failures: AttemptFailure[] = [];
	let attempts = 0;
	for (let i = 0; i < o.models.length; i++) {
		const name = o.models[i]!;
		const entry = o.entries[name]!;
		const retry = { ...o.retry, ...entry.retry };
		const maxRetries = retry.maxRetries ?? 2;
		const limiter =
			entry.rateLimits === undefined
				? undefined
				: o.limiters.get(entry.rateLimitKey ?? name, entry.rateLimits);
		for (let r = 0; ; r++) {
			attempts += 1;
			o.emit({
				type: "attempt",
				callId: o.callId,
				model: name,
				attempt: attempts,
			});
			const slot = await limiter?.acquire(o.estimatedTokens, {
				signal: o.signal,
				maxWaitMs: o.maxWaitMs,
			});
			if (slot !== undefined && slot.waitedMs > 0) {
				o.emit({
					type: "rate_limit_wait",
					callId: o.callId,
					model: name,
					key: limiter!.key,
					waitedMs: slot.waitedMs,
				});
			}
			try {
				const value = await withTimeout(
					(signal) => o.attempt(name, entry, signal),
					{
						timeoutMs: entry.timeoutMs ?? o.timeoutMs,
						signal: o.signal,
						model: name,
					},
				);
				return { value, model: name, attempts, slot };
			} catch (error) {
				slot?.release();
				if (o.signal?.aborted) throw o.signal.reason;
				const info = describeError(error);
				failures.push({
					model: name,
					attempt: attempts,
					kind: info.kind,
					status: info.status,
					message: info.message,
				});
				let action = decideAction(error, info, o.policy, r < maxRetries);
				const delay =
					action === "retry"
						? backoffDelay(r + 1, retry, info.retryAfterMs, o.random)
						: undefined;
				if (action === "retry" && delay === undefined)
					action = decideAction(error, info, o.policy, false);
				if (action === "retry" && delay !== undefined) {
					o.emit({
						type: "retry",
						callId: o.callId,
						model: name,
						attempt: attempts,
						delayMs: delay,
						retryAfterMs: info.retryAfterMs,
						error: toEventError(info),
					});
					await sleep(delay, o.signal);
					continue;
				}
				const next = o.models[i + 1];
				if (action === "fallback" && next !== undefined) {
					o.emit({
						type: "fallback",
						callId: o.callId,
						from: name,
						to: next,
						error: toEventError(info),
					});
					break;
				}
				throw finalError(failures, error, info, action === "fallback");
			}
		}
	}
	throw new ModelError("MODEL_UNAVAILABLE", "the route had no model to try", {
		attempts: failures,
	});
}
