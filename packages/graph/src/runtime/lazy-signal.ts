import { newestKeeper } from "./keep-shape.ts";

const keepLazySignal = newestKeeper(); // keep-shape.ts, decision 0196

/**
 * An abort flag whose `AbortSignal` is made only when someone asks for it: a run's lease can be lost, so
 * its tasks need a signal, yet most runs never abort and most nodes never read `ctx.signal` (making an
 * AbortSignal costs ≈ 3 µs in Node 20; perf, issue 17). Once made, the signal aborts with the flag, and one
 * asked for after the abort is aborted already, with the same reason.
 */
export class LazySignal {
	#aborted = false;
	#reason: unknown;
	#controller: AbortController | undefined;

	constructor() {
		keepLazySignal(this);
	}

	get aborted(): boolean {
		return this.#aborted;
	}

	get reason(): unknown {
		return this.#reason;
	}

	/** The flag as an `AbortSignal` (made on first use). */
	get signal(): AbortSignal {
		if (this.#controller === undefined) {
			this.#controller = new AbortController();
			if (this.#aborted) this.#controller.abort(this.#reason);
		}
		return this.#controller.signal;
	}

	abort(reason: unknown): void {
		if (this.#aborted) return;
		this.#aborted = true;
		this.#reason = reason;
		this.#controller?.abort(reason);
	}
}

/** What a run's tasks are aborted by: a signal, or a flag that makes one when asked. */
export type RunSignal = AbortSignal | LazySignal;

/** `s` as an `AbortSignal`. */
export function signalOf(s: RunSignal): AbortSignal {
	return s instanceof LazySignal ? s.signal : s;
}
