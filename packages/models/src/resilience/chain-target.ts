import type { CircuitTransition } from "../balance/circuit-breaker.ts";
import { DEPLOYMENT_ERROR_KINDS } from "../balance/circuit-breaker.ts";
import type { DeploymentAttempt, Picked } from "../balance/deployment-pool.ts";
import type { AttemptFailure } from "../errors.ts";
import type { ModelEvent } from "../events.ts";
import type { ModelEntry } from "../routing/model-entry.ts";
import type { ErrorInfo } from "./classify-error.ts";
import type { RateLimiter, RateLimiterRegistry } from "./rate-limiter.ts";

/** A model gave up: move to the next one in the chain (or fail when there is none). */
export interface Exhausted {
	next: true;
	error: unknown;
	info: ErrorInfo;
	/** The last failure asked (Retry-After) for a longer wait than retry.maxRetryAfterMs allows. */
	retryAfterTooLong?: boolean | undefined;
	/** A balanced model none of whose deployments may take calls now (circuits open, probes in flight). */
	noDeployment?: boolean | undefined;
}

/** Where one attempt goes: the entry (with the deployment's model when balanced) and its limiter. */
export interface ChainTarget {
	entry: ModelEntry;
	limiter: RateLimiter | undefined;
	picked?: (Picked & { handle: DeploymentAttempt }) | undefined;
	/** Reports a change of the deployment's circuit as an event. */
	circuit(change: CircuitTransition | undefined): void;
}

/** What target picking reads off the chain's options. */
interface PickOptions {
	callId: string;
	limiters: RateLimiterRegistry;
	pools: Record<string, import("../balance/deployment-pool.ts").DeploymentPool>;
	threadId: string | undefined;
	estimatedTokens: number;
	emit: (event: ModelEvent) => void;
}

/**
 * The target of the next attempt on `name`. A plain entry: itself, with its own limiter. A balanced
 * one: the deployment its pool picks (untried in this call first, then any that may take calls);
 * none at all ends this model with kind "unavailable", and no call is sent.
 */
export function pickTarget(
	o: PickOptions,
	name: string,
	entry: ModelEntry,
	tried: ReadonlySet<string>,
	attempts: number,
	failures: AttemptFailure[],
): ChainTarget | Exhausted {
	const pool = o.pools[name];
	if (pool === undefined) {
		const limiter =
			entry.rateLimits === undefined
				? undefined
				: o.limiters.get(entry.rateLimitKey ?? name, entry.rateLimits);
		return { entry, limiter, circuit: () => {} };
	}
	const ask = (t: ReadonlySet<string>) =>
		pool.pick({
			threadId: o.threadId,
			tried: t,
			tokens: o.estimatedTokens,
			onTransition: ({ deployment, change }) =>
				o.emit({
					type: "circuit",
					callId: o.callId,
					model: name,
					deployment,
					...change,
				}),
		});
	let picked = ask(tried);
	if ("skipped" in picked && tried.size > 0) picked = ask(new Set());
	if ("skipped" in picked) {
		o.emit({
			type: "no_deployment",
			callId: o.callId,
			model: name,
			skipped: picked.skipped,
		});
		const why = picked.skipped
			.map((s) => `${s.deployment}: ${s.reason}`)
			.join("; ");
		const info: ErrorInfo = {
			kind: "unavailable",
			message: `no deployment of "${name}" may take the call (${why})`,
		};
		failures.push({
			model: name,
			attempt: attempts,
			kind: info.kind,
			message: info.message,
		});
		return {
			next: true,
			error: new Error(info.message),
			info,
			noDeployment: true,
		};
	}
	o.emit({ type: "balance", callId: o.callId, model: name, ...picked.choice });
	const deployment = picked.deployment.name;
	return {
		entry: { ...entry, model: picked.deployment.model },
		limiter: picked.limiter,
		picked: { ...picked, handle: pool.begin(picked.index) },
		circuit: (change) => {
			if (change === undefined) return;
			o.emit({
				type: "circuit",
				callId: o.callId,
				model: name,
				deployment,
				...change,
			});
		},
	};
}

/**
 * After a failed attempt on a deployment: when the error is the deployment's (rate limit, 5xx,
 * timeout, network, auth) and another deployment may take the call, move there at once, without
 * backoff and without spending a retry. Returns whether it did.
 */
export function failover(
	o: PickOptions,
	name: string,
	target: ChainTarget,
	tried: Set<string>,
	info: ErrorInfo,
): boolean {
	const picked = target.picked;
	const pool = o.pools[name];
	if (picked === undefined || pool === undefined) return false;
	if (!DEPLOYMENT_ERROR_KINDS.includes(info.kind)) return false;
	tried.add(picked.deployment.name);
	if (!pool.hasUntried(tried)) return false;
	o.emit({
		type: "failover",
		callId: o.callId,
		model: name,
		from: picked.deployment.name,
		error: { kind: info.kind, status: info.status, message: info.message },
	});
	return true;
}

/** True when `name` is balanced and none of its deployments may take a call now. */
export function noDeploymentReady(o: PickOptions, name: string): boolean {
	const pool = o.pools[name];
	return pool !== undefined && !pool.hasUntried(new Set());
}
