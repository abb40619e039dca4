import type { DeploymentPool } from "../balance/deployment-pool.ts";
import {
	type AttemptFailure,
	ModelError,
	RateLimitTimeoutError,
} from "../errors.ts";
import type { EventError, ModelEvent } from "../events.ts";
import type { ModelEntries, ModelEntry } from "../routing/model-entry.ts";
import type { UsageBalance } from "../usage/usage-tracker.ts";
import {
	type BackoffOptions,
	backoffDelay,
	sleep,
	waitsTooLong,
} from "./backoff.ts";
import {
	type ChainTarget,
	type Exhausted,
	failover,
	noDeploymentReady,
	pickTarget,
} from "./chain-target.ts";
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
	/** Balancers of the entries that have deployments. */
	pools: Record<string, DeploymentPool>;
	threadId: string | undefined;
	estimatedTokens: number;
	maxWaitMs: number | undefined;
	signal: AbortSignal | undefined;
	emit: (event: ModelEvent) => void;
	random: () => number;
	/** One attempt on one model; `signal` aborts on timeout or on the caller's abort. */
	attempt: (name: string, entry: ModelEntry, signal: AbortSignal) => Promise<T>;
}

/** The outcome: which model (and deployment) answered, after how many attempts, and its rate-limit slot (still held). */
export interface ChainResult<T> {
	value: T;
	model: string;
	attempts: number;
	slot: RateLimitSlot | undefined;
	balance?: UsageBalance | undefined;
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
	ending: Pick<Exhausted, "retryAfterTooLong" | "noDeployment"> = {},
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
	if (info.kind === "context_length") {
		return new ModelError(
			"MODEL_REQUEST_INVALID",
			`the prompt is too long for model "${model}": ${info.message}`,
			{
				model,
				attempts: failures,
				cause,
				hint: "shorten the prompt (trimByTokens or summarizeMessages before the call) or add a fallback model with a larger context window",
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
			hint: unavailableHint(model, info, exhausted, ending),
		},
	);
}

/** What to do when no model answered: the hint of `finalError`'s MODEL_UNAVAILABLE / MODEL_TIMEOUT. */
function unavailableHint(
	model: string | undefined,
	info: ErrorInfo,
	exhausted: boolean,
	ending: Pick<Exhausted, "retryAfterTooLong" | "noDeployment">,
): string {
	if (info.kind === "auth")
		return `check the credentials (API key, permissions) of model "${model}": a ${info.status ?? "401/403"} is not retried or sent to another model unless errorPolicy says so`;
	if (!exhausted)
		return "this error is not retried or sent to another model; see errorPolicy";
	// retries send nothing to an open circuit: only time (or another model) helps (decision 0263)
	if (ending.noDeployment === true)
		return `no deployment of "${model}" may take calls now: add a fallback model, or try again once a circuit's cool-down (balance.circuit.coolDownMs, or the Retry-After asked) has passed`;
	// a Retry-After above retry.maxRetryAfterMs is not waited for: said, as what to raise
	if (ending.retryAfterTooLong === true && info.retryAfterMs !== undefined)
		return `the server asked to be tried again in ${Math.ceil(info.retryAfterMs / 1000)} s (Retry-After): raise retry.maxRetryAfterMs (default 60 s) to wait that long, add a fallback model, or try again later`;
	return "add a fallback model, raise maxRetries, or try again later";
}

/** A rate-limit wait that ended the call, listing every attempt of the chain. */
const timedOut = (error: RateLimitTimeoutError, failures: AttemptFailure[]) =>
	new RateLimitTimeoutError(error.key, error.waitedMs, {
		attempts: [...failures],
	});

/** Tries each model in turn: rate limit, attempt with timeout, retry with backoff, fall back or fail per the policy. */
export async function runChain<T>(o: ChainOptions<T>): Promise<ChainResult<T>> {
	const failures: AttemptFailure[] = [];
	const count = { attempts: 0 };
	for (let i = 0; i < o.models.length; i++) {
		const name = o.models[i]!;
		const outcome = await tryModel(o, name, count, failures);
		if (!("next" in outcome)) return outcome;
		const next = o.models[i + 1];
		if (next === undefined) {
			if (outcome.error instanceof RateLimitTimeoutError)
				throw timedOut(outcome.error, failures);
			throw finalError(failures, outcome.error, outcome.info, true, outcome);
		}
		o.emit({
			type: "fallback",
			callId: o.callId,
			from: name,
			to: next,
			error: toEventError(outcome.info),
		});
	}
	throw new ModelError("MODEL_UNAVAILABLE", "the route had no model to try", {
		attempts: failures,
	});
}

/** One model of the chain: its attempts (on its deployments, when balanced) and retries. */
async function tryModel<T>(
	o: ChainOptions<T>,
	name: string,
	count: { attempts: number },
	failures: AttemptFailure[],
): Promise<ChainResult<T> | Exhausted> {
	const entry = o.entries[name]!;
	const retry = { ...o.retry, ...entry.retry };
	const maxRetries = retry.maxRetries ?? 2;
	const tried = new Set<string>();
	for (let r = 0; ; ) {
		const target = pickTarget(o, name, entry, tried, count.attempts, failures);
		if ("next" in target) return target;
		count.attempts += 1;
		o.emit({
			type: "attempt",
			callId: o.callId,
			model: name,
			attempt: count.attempts,
			...(target.picked === undefined
				? {}
				: { deployment: target.picked.deployment.name }),
		});
		const outcome = await attemptOn(o, name, target, count.attempts);
		if (!("error" in outcome)) return outcome;
		const { error, info } = outcome;
		if (failover(o, name, target, tried, info)) continue;
		if (error instanceof RateLimitTimeoutError) {
			// Nothing was sent, and waiting on the same limiter again is what timed out: no retry; the next
			// model of the chain when the policy falls back on rate limits (decision 0255).
			if (decideAction(error, info, o.policy, false) === "fallback")
				return { next: true, error, info };
			throw timedOut(error, failures);
		}
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
				attempt: count.attempts,
				delayMs: delay,
				retryAfterMs: info.retryAfterMs,
				error: toEventError(info),
			});
			// With every deployment's circuit open, waiting helps nobody: the next pick moves on.
			if (!noDeploymentReady(o, name)) await sleep(delay, o.signal);
			r += 1;
			continue;
		}
		if (action === "fallback")
			return {
				next: true,
				error,
				info,
				// only a Retry-After the router would not wait for is worth naming in the hint; one it waited
				// for, with the retries spent, is not (decision 0263)
				retryAfterTooLong: waitsTooLong(info.retryAfterMs, retry),
			};
		throw finalError(failures, error, info, false);
	}

	async function attemptOn(
		o: ChainOptions<T>,
		name: string,
		target: ChainTarget,
		attempt: number,
	): Promise<ChainResult<T> | { error: unknown; info: ErrorInfo }> {
		const handle = target.picked?.handle;
		/** Records the attempt's failure (in `failures`, which the chain's error lists) and returns it. */
		const failed = (error: unknown, info: ErrorInfo) => {
			failures.push({
				model: name,
				...(target.picked === undefined
					? {}
					: { deployment: target.picked.deployment.name }),
				attempt,
				kind: info.kind,
				status: info.status,
				message: info.message,
			});
			return { error, info };
		};
		let slot: RateLimitSlot | undefined;
		try {
			slot = await target.limiter?.acquire(o.estimatedTokens, {
				signal: o.signal,
				maxWaitMs: o.maxWaitMs,
			});
		} catch (error) {
			handle?.cancel();
			if (o.signal?.aborted || !(error instanceof RateLimitTimeoutError))
				throw error;
			// the limiter's wait timed out: a failed attempt of kind rate_limit, no request sent
			return failed(error, { kind: "rate_limit", message: error.message });
		}
		if (slot !== undefined && slot.waitedMs > 0) {
			o.emit({
				type: "rate_limit_wait",
				callId: o.callId,
				model: name,
				key: target.limiter!.key,
				waitedMs: slot.waitedMs,
			});
		}
		try {
			const value = await withTimeout(
				(signal) => o.attempt(name, target.entry, signal),
				{
					timeoutMs: target.entry.timeoutMs ?? o.timeoutMs,
					signal: o.signal,
					model: name,
				},
			);
			target.circuit(handle?.succeed());
			const picked = target.picked;
			return {
				value,
				model: name,
				attempts: count.attempts,
				slot,
				...(picked === undefined
					? {}
					: {
							balance: {
								deployment: picked.choice.deployment,
								strategy: picked.choice.strategy,
								reason: picked.choice.reason,
							},
						}),
			};
		} catch (error) {
			slot?.release();
			if (o.signal?.aborted) {
				handle?.cancel();
				throw o.signal.reason;
			}
			const info = describeError(error);
			target.circuit(handle?.fail(info.kind, info.retryAfterMs));
			return failed(error, info);
		}
	}
}
