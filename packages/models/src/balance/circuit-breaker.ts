import type { ModelErrorKind } from "../errors.ts";
import type { CircuitState } from "./deployment.ts";

/** Errors that say something about the deployment (its key, region, capacity) rather than the request. */
export const DEPLOYMENT_ERROR_KINDS: readonly ModelErrorKind[] = [
	"rate_limit",
	"server",
	"timeout",
	"network",
	"auth",
];

/** A change of state, for the "circuit" event. */
export interface CircuitTransition {
	state: CircuitState;
	reason: string;
	retryInMs?: number | undefined;
}

/**
 * A per-deployment circuit breaker. Closed: calls pass. Open (after `threshold` consecutive
 * deployment failures, or at once on a rate limit): none pass until the cool-down (or Retry-After)
 * has passed. Half-open: one probe passes; its success closes the circuit, its failure opens it again.
 * Time comes from the caller (`now`), so tests drive it with a clock of their own.
 */
export class CircuitBreaker {
	#state: CircuitState = "closed";
	#failures = 0;
	#openUntil = 0;
	#probing = false;
	readonly #threshold: number;
	readonly #coolDownMs: number;

	constructor(threshold: number, coolDownMs: number) {
		this.#threshold = threshold;
		this.#coolDownMs = coolDownMs;
	}

	/** The state at `now` (an open circuit whose cool-down passed reads half-open). */
	state(now: number): CircuitState {
		return this.#state === "open" && now >= this.#openUntil
			? "half-open"
			: this.#state;
	}

	/** Moves an open circuit whose cool-down has passed to half-open; returns that change, once. */
	advance(now: number): CircuitTransition | undefined {
		if (this.#state !== "open" || now < this.#openUntil) return undefined;
		this.#state = "half-open";
		return {
			state: "half-open",
			reason: "the cool-down has passed: one probe call may go",
		};
	}

	/** Why no call may go now, or undefined when one may. */
	blocked(now: number): string | undefined {
		const state = this.state(now);
		if (state === "open")
			return `circuit open (${Math.ceil(this.#openUntil - now)} ms to the half-open probe)`;
		if (state === "half-open" && this.#probing)
			return "circuit half-open, its probe is in flight";
		return undefined;
	}

	/** Milliseconds until the half-open probe, while open. */
	retryInMs(now: number): number | undefined {
		return this.state(now) === "open" ? this.#openUntil - now : undefined;
	}

	/** A call is sent; in half-open it is the probe. */
	begin(now: number): void {
		this.advance(now);
		if (this.#state === "half-open") this.#probing = true;
	}

	/** The call ended without a verdict (aborted by the caller). */
	cancel(): void {
		this.#probing = false;
	}

	success(): CircuitTransition | undefined {
		this.#failures = 0;
		this.#probing = false;
		if (this.#state === "closed") return undefined;
		this.#state = "closed";
		return { state: "closed", reason: "the probe call succeeded" };
	}

	failure(
		now: number,
		kind: ModelErrorKind,
		retryAfterMs: number | undefined,
	): CircuitTransition | undefined {
		const wasProbe = this.#probing;
		this.#probing = false;
		if (!DEPLOYMENT_ERROR_KINDS.includes(kind)) {
			// The request's fault (400, 404, a bug): says nothing about the deployment.
			return undefined;
		}
		this.#failures += 1;
		const open =
			wasProbe || kind === "rate_limit" || this.#failures >= this.#threshold;
		if (!open) return undefined;
		const wait = Math.max(this.#coolDownMs, retryAfterMs ?? 0);
		this.#state = "open";
		this.#openUntil = now + wait;
		const reason = wasProbe
			? `the probe call failed (${kind})`
			: kind === "rate_limit"
				? `rate limited${retryAfterMs === undefined ? "" : ` (Retry-After ${retryAfterMs} ms)`}`
				: `${this.#failures} consecutive failures (last: ${kind})`;
		return { state: "open", reason, retryInMs: wait };
	}
}
