import { createRequire } from "node:module";
import { isWeftError, NodeError, WeftError } from "@weft/checkpoint";
import type { LRUCache } from "lru-cache";
import type {
	CachePolicy,
	NodeContext,
	NodeOptions,
	RetryPolicy,
} from "../graph/types.ts";
import { isMutationError } from "../state/freeze.ts";
import { inAttempt, retried } from "../telemetry/retried.ts"; // telemetry (issue 13)
import { InterruptSignal } from "./interrupts.ts";
import { type RunSignal, signalOf } from "./lazy-signal.ts";
import { TaskContext, type TaskScope } from "./task-context.ts";
import { ResumeRejected } from "./task-interrupt.ts";

/**
 * A node as the runtime calls it: each call is one attempt, made with the task's scope and the attempt's
 * abort signal; the innermost runner builds the attempt's own context. It returns what the node returned,
 * or a (native) promise of it when the node is async or has policies: a synchronous node without
 * policies costs no promise (perf, issue 17). It may throw synchronously.
 */
export type NodeRunner = (
	input: unknown,
	scope: TaskScope,
	signal: RunSignal,
) => unknown;

/** A wrapper that adds one policy around a node runner. */
type Policy = (next: NodeRunner) => NodeRunner;

/**
 * Wraps a node function with its policies, outermost first: cache, retry, timeout. Each policy is a
 * function of the next runner, so adding one never touches the others.
 */
export function withPolicies(
	node: string,
	fn: (input: unknown, ctx: NodeContext) => unknown,
	options: NodeOptions<any>,
): NodeRunner {
	const policies: Policy[] = [];
	if (options.cache !== undefined) policies.push(cachePolicy(options.cache));
	if (options.retry !== undefined) policies.push(retryPolicy(options.retry));
	if (options.timeoutMs !== undefined)
		policies.push(timeoutPolicy(node, options.timeoutMs));
	const failed = (error: unknown): never => {
		throw isMutationError(error) ? stateMutated(node, error) : error;
	};
	let runner: NodeRunner = (input, scope, signal) => {
		let out: unknown;
		const ctx = new TaskContext(scope, signal);
		try {
			out = fn(input, ctx);
		} catch (error) {
			TaskContext.end(ctx);
			failed(error);
		}
		// a thenable is adopted as `await` would; anything else is the update itself
		if (typeof (out as PromiseLike<unknown> | null)?.then !== "function") {
			const paused = TaskContext.end(ctx);
			if (paused !== undefined) throw paused;
			return out;
		}
		return Promise.resolve(out).then(
			(value) => {
				const paused = TaskContext.end(ctx);
				if (paused !== undefined) throw paused;
				return value;
			},
			(error: unknown) => {
				TaskContext.end(ctx);
				return failed(error);
			},
		);
	};
	for (let i = policies.length - 1; i >= 0; i--) runner = policies[i]!(runner);
	return runner;
}

/** Never retried or cached: control flow, not failure. */
function isControl(error: unknown): boolean {
	return error instanceof InterruptSignal || error instanceof ResumeRejected;
}

function cachePolicy(policy: CachePolicy<any>): Policy {
	// loaded only when a node has a cache policy (start-up time)
	const { LRUCache: Cache } = createRequire(import.meta.url)(
		"lru-cache",
	) as typeof import("lru-cache");
	const cache: LRUCache<string, { value: unknown }> = new Cache<
		string,
		{ value: unknown }
	>({
		max: 1000,
		...(policy.ttlMs === undefined ? {} : { ttl: policy.ttlMs }),
	});
	const keyOf =
		policy.key ?? ((input: unknown) => JSON.stringify(input) ?? "undefined");
	return (next) => async (input, scope, signal) => {
		const key = keyOf(input);
		const hit = cache.get(key);
		if (hit !== undefined) return hit.value;
		const value = await next(input, scope, signal);
		cache.set(key, { value });
		return value;
	};
}

/** Weft errors a retry policy retries by default: a model's answer was wrong, and may not be next time. */
const retriedByDefault = new WeakSet<object>();

/** Marks `error` as one a node's retry policy retries by default (decision 0205). */
export function retryableByDefault<E extends WeftError>(error: E): E {
	retriedByDefault.add(error);
	return error;
}

/** What a router's failed attempt was (ModelErrorKind of @weft/models) when it may go better later. */
const TRANSIENT_ATTEMPTS = new Set([
	"rate_limit",
	"server",
	"timeout",
	"network",
	"unavailable",
]);

/**
 * A model router's (`@weft/models`) failure that may go better later, as a provider's own error would be
 * retried (decision 0228): a timeout, a wait for a rate-limit slot, and a MODEL_UNAVAILABLE whose last
 * attempt failed on something transient (a 429, a 5xx, a timeout, the network, every circuit open), not
 * on credentials or an error the router does not retry.
 */
function isTransientModelError(e: WeftError): boolean {
	if (e.code === "MODEL_TIMEOUT" || e.code === "RATE_LIMIT_TIMEOUT")
		return true;
	if (e.code !== "MODEL_UNAVAILABLE") return false;
	const attempts = (e as { attempts?: unknown }).attempts;
	const last = Array.isArray(attempts) ? attempts.at(-1) : undefined;
	const kind = (last as { kind?: unknown } | undefined)?.kind;
	return typeof kind === "string" && TRANSIENT_ATTEMPTS.has(kind);
}

const defaultRetryOn = (e: unknown): boolean =>
	!isWeftError(e) ||
	isWeftError(e, "NODE_TIMEOUT") ||
	retriedByDefault.has(e) ||
	isTransientModelError(e);

function retryPolicy(policy: RetryPolicy): Policy {
	const maxAttempts = Math.max(1, policy.maxAttempts ?? 3);
	const initial = policy.initialDelayMs ?? 100;
	const factor = policy.backoff ?? 2;
	const maxDelay = policy.maxDelayMs ?? 10_000;
	const jitter = policy.jitter ?? true;
	const retryOn = policy.retryOn ?? defaultRetryOn;
	return (next) => async (input, scope, signal) => {
		for (let attempt = 1; ; attempt++) {
			try {
				// telemetry (issue 13): a span per attempt
				return await inAttempt(
					scope.node,
					attempt,
					async () => next(input, scope, signal),
					isControl,
					signal,
				);
			} catch (error) {
				if (
					isControl(error) ||
					attempt >= maxAttempts ||
					signal.aborted ||
					!retryOn(error)
				)
					throw error;
				// the next attempt asks the models again rather than replaying what this one failed on
				scope.memory.forgetAnswers();
				const base = Math.min(maxDelay, initial * factor ** (attempt - 1));
				const delay = jitter ? base * (0.5 + Math.random()) : base;
				retried(scope.node, attempt, error, delay); // telemetry (issue 13)
				await sleep(delay, signalOf(signal));
			}
		}
	};
}

function timeoutPolicy(node: string, ms: number): Policy {
	return (next) => async (input, scope, outer) => {
		const timer = new AbortController();
		const handle = setTimeout(
			() =>
				timer.abort(
					new NodeError(
						node,
						new Error(`timed out after ${ms} ms`),
						"NODE_TIMEOUT",
					),
				),
			ms,
		);
		// the attempt's context sees this signal abort on timeout: it is abandoned, and starts no new effect
		const signal = AbortSignal.any([signalOf(outer), timer.signal]);
		try {
			return await Promise.race([
				next(input, scope, signal),
				rejectOnAbort(timer.signal),
			]);
		} finally {
			clearTimeout(handle);
		}
	};
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
	return new Promise((_, reject) => {
		signal.addEventListener("abort", () => reject(signal.reason), {
			once: true,
		});
	});
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		const done = () => {
			clearTimeout(handle);
			reject(
				new WeftError(
					"RUN_CANCELLED",
					"the run was cancelled while a node waited to retry",
				),
			);
		};
		const handle = setTimeout(() => {
			signal.removeEventListener("abort", done);
			resolve();
		}, ms);
		signal.addEventListener("abort", done, { once: true });
	});
}

function stateMutated(node: string, cause: TypeError): WeftError {
	return new WeftError(
		"STATE_MUTATED",
		`node "${node}" changed the state (or ctx.context) it was given (${cause.message})`,
		{
			hint: "the state and ctx.context a node receives are read-only: return the change as an update instead, e.g. return { notes: [note] }",
			cause,
		},
	);
}
