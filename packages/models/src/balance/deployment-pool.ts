import { ConfigError } from "@weft/checkpoint";
import { LRUCache } from "lru-cache";
import type { ModelErrorKind } from "../errors.ts";
import type {
	RateLimiter,
	RateLimiterRegistry,
} from "../resilience/rate-limiter.ts";
import { CircuitBreaker, type CircuitTransition } from "./circuit-breaker.ts";
import type {
	BalanceChoice,
	BalanceOptions,
	BalanceStrategy,
	Deployment,
	DeploymentStatus,
} from "./deployment.ts";
import {
	type Candidate,
	type Chosen,
	leastOutstanding,
	lowestLatency,
	weightedRoundRobin,
} from "./strategies.ts";

/** The deployment an attempt goes to, and why. */
export interface Picked {
	index: number;
	deployment: Deployment;
	limiter: RateLimiter | undefined;
	choice: BalanceChoice;
}

/** A circuit that changed state by itself (open → half-open) since the last look. */
export interface PoolTransition {
	deployment: string;
	change: CircuitTransition;
}

/** One attempt in flight on a deployment; end it exactly once. */
export interface DeploymentAttempt {
	succeed(): CircuitTransition | undefined;
	fail(
		kind: ModelErrorKind,
		retryAfterMs: number | undefined,
	): CircuitTransition | undefined;
	/** Aborted by the caller: no verdict on the deployment. */
	cancel(): void;
}

/** A millisecond clock; tests inject one to drive cool-downs and latencies. */
export type Clock = () => number;

function validate(model: string, deployments: Deployment[]): void {
	if (deployments.length === 0)
		throw new ConfigError(
			"CONFIG_INVALID",
			`model "${model}" has an empty \`deployments\` list`,
			{ hint: "give it at least one deployment, or a plain `model`" },
		);
	const seen = new Set<string>();
	for (const d of deployments) {
		if (seen.has(d.name))
			throw new ConfigError(
				"CONFIG_INVALID",
				`model "${model}" names the deployment "${d.name}" twice`,
				{ hint: "give each deployment of a model its own name" },
			);
		seen.add(d.name);
		if (d.weight !== undefined && !(d.weight > 0))
			throw new ConfigError(
				"CONFIG_INVALID",
				`deployment "${model}/${d.name}" has weight ${d.weight}`,
				{ hint: "weights are positive numbers (default 1)" },
			);
	}
}

/**
 * The deployments of one balanced model entry and what the balancer knows of them: circuit
 * breakers, calls in flight, latency windows, round-robin scores and thread pins. One per router
 * entry; every call of the router shares it.
 */
export class DeploymentPool {
	readonly model: string;
	readonly strategy: BalanceStrategy;
	readonly #deps: Deployment[];
	readonly #breakers: CircuitBreaker[];
	readonly #limiters: (RateLimiter | undefined)[];
	readonly #outstanding: number[];
	readonly #latencies: number[][];
	readonly #calls: number[];
	readonly #failures: number[];
	readonly #scores: number[];
	readonly #threads: LRUCache<string, number>;
	readonly #window: number;
	readonly #clock: Clock;

	constructor(
		model: string,
		deployments: Deployment[],
		options: BalanceOptions,
		limiters: RateLimiterRegistry,
		clock: Clock,
	) {
		validate(model, deployments);
		this.model = model;
		this.strategy = options.strategy ?? "weighted-round-robin";
		this.#deps = deployments;
		const threshold = options.circuit?.failureThreshold ?? 3;
		const coolDown = options.circuit?.coolDownMs ?? 30_000;
		this.#breakers = deployments.map(
			() => new CircuitBreaker(threshold, coolDown),
		);
		this.#limiters = deployments.map((d) =>
			d.rateLimits === undefined
				? undefined
				: limiters.get(d.rateLimitKey ?? `${model}/${d.name}`, d.rateLimits),
		);
		const zeros = () => deployments.map(() => 0);
		this.#outstanding = zeros();
		this.#calls = zeros();
		this.#failures = zeros();
		this.#scores = zeros();
		this.#latencies = deployments.map(() => []);
		this.#threads = new LRUCache({ max: options.maxThreads ?? 10_000 });
		this.#window = options.latencyWindow ?? 20;
		this.#clock = clock;
	}

	/**
	 * Picks a deployment for an attempt: leaves out open circuits and those `tried` in this call,
	 * prefers those whose limits grant a slot now, then applies the strategy. Undefined (with the
	 * reasons) when none may take the call.
	 */
	pick(o: {
		threadId: string | undefined;
		tried: ReadonlySet<string>;
		tokens: number;
		onTransition?: ((t: PoolTransition) => void) | undefined;
	}): Picked | { skipped: BalanceChoice["skipped"] } {
		const now = this.#clock();
		const skipped: BalanceChoice["skipped"] = [];
		const healthy: Candidate[] = [];
		this.#deps.forEach((d, index) => {
			const change = this.#breakers[index]!.advance(now);
			if (change !== undefined)
				o.onTransition?.({ deployment: d.name, change });
			const blocked = this.#breakers[index]!.blocked(now);
			if (blocked !== undefined)
				skipped.push({ deployment: d.name, reason: blocked });
			else if (o.tried.has(d.name))
				skipped.push({
					deployment: d.name,
					reason: "failed earlier in this call",
				});
			else healthy.push(this.#candidate(index));
		});
		if (healthy.length === 0) return { skipped };
		const ready = healthy.filter(
			(c) => this.#limiters[c.index]?.canGrantNow(o.tokens) ?? true,
		);
		const cands = ready.length > 0 ? ready : healthy;
		if (ready.length > 0)
			for (const c of healthy)
				if (!ready.includes(c))
					skipped.push({
						deployment: c.name,
						reason: "at its rate limit or concurrency cap",
					});
		const chosen = this.#choose(cands, healthy, o.threadId);
		const reason =
			ready.length === 0
				? `${chosen.reason}; every deployment is at its limits, so the call queues`
				: chosen.reason;
		const deployment = this.#deps[chosen.index]!;
		return {
			index: chosen.index,
			deployment,
			limiter: this.#limiters[chosen.index],
			choice: {
				deployment: deployment.name,
				strategy: this.strategy,
				reason,
				skipped,
			},
		};
	}

	#candidate(index: number): Candidate {
		const window = this.#latencies[index]!;
		return {
			index,
			name: this.#deps[index]!.name,
			weight: this.#deps[index]!.weight ?? 1,
			outstanding: this.#outstanding[index]!,
			meanLatencyMs:
				window.length === 0
					? undefined
					: window.reduce((a, b) => a + b, 0) / window.length,
		};
	}

	#choose(
		cands: Candidate[],
		healthy: Candidate[],
		threadId: string | undefined,
	): Chosen {
		switch (this.strategy) {
			case "weighted-round-robin":
				return weightedRoundRobin(cands, this.#scores);
			case "least-outstanding":
				return leastOutstanding(cands);
			case "lowest-latency":
				return lowestLatency(cands);
			case "sticky-thread":
				return this.#sticky(cands, healthy, threadId);
		}
	}

	#sticky(
		cands: Candidate[],
		healthy: Candidate[],
		threadId: string | undefined,
	): Chosen {
		if (threadId === undefined) {
			const c = weightedRoundRobin(cands, this.#scores);
			return { index: c.index, reason: `no thread id, so ${c.reason}` };
		}
		const pinned = this.#threads.get(threadId);
		if (pinned !== undefined && healthy.some((c) => c.index === pinned))
			return {
				index: pinned,
				reason: `sticky: thread "${threadId}" stays on ${this.#deps[pinned]!.name}`,
			};
		const c = weightedRoundRobin(cands, this.#scores);
		this.#threads.set(threadId, c.index);
		const why =
			pinned === undefined
				? `sticky: thread "${threadId}" is new here`
				: `sticky: thread "${threadId}" leaves ${this.#deps[pinned]!.name}, which may not take calls now`;
		return { index: c.index, reason: `${why}; pinned by ${c.reason}` };
	}

	/** Starts an attempt on deployment `index` (counts it in flight; in half-open it is the probe). */
	begin(index: number): DeploymentAttempt {
		const start = this.#clock();
		const breaker = this.#breakers[index]!;
		breaker.begin(start);
		this.#outstanding[index]! += 1;
		this.#calls[index]! += 1;
		let ended = false;
		const end = () => {
			if (ended) return false;
			ended = true;
			this.#outstanding[index]! -= 1;
			return true;
		};
		return {
			succeed: () => {
				if (!end()) return undefined;
				const window = this.#latencies[index]!;
				window.push(this.#clock() - start);
				if (window.length > this.#window) window.shift();
				return breaker.success();
			},
			fail: (kind, retryAfterMs) => {
				if (!end()) return undefined;
				this.#failures[index]! += 1;
				return breaker.failure(this.#clock(), kind, retryAfterMs);
			},
			cancel: () => {
				if (end()) breaker.cancel();
			},
		};
	}

	/** Whether some deployment not in `tried` may take a call now. */
	hasUntried(tried: ReadonlySet<string>): boolean {
		const now = this.#clock();
		return this.#deps.some(
			(d, i) =>
				!tried.has(d.name) && this.#breakers[i]!.blocked(now) === undefined,
		);
	}

	/** Every deployment's circuit, load, latency and counts, now. */
	status(): DeploymentStatus[] {
		const now = this.#clock();
		return this.#deps.map((d, i) => {
			const c = this.#candidate(i);
			const retryInMs = this.#breakers[i]!.retryInMs(now);
			return {
				name: d.name,
				circuit: this.#breakers[i]!.state(now),
				outstanding: c.outstanding,
				meanLatencyMs: c.meanLatencyMs,
				calls: this.#calls[i]!,
				failures: this.#failures[i]!,
				...(retryInMs === undefined ? {} : { retryInMs }),
			};
		});
	}
}
