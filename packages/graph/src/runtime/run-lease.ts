import type { Checkpointer, Lease, StoredThreadStatus } from "@weft/checkpoint";
import {
	CheckpointError,
	isWeftError,
	leaseLost,
	threadLeaseOf,
} from "@weft/checkpoint";
import { type Beating, startBeating, stopBeating } from "./heartbeat.ts";
import { newestKeeper } from "./keep-shape.ts";
import { LazySignal } from "./lazy-signal.ts";
import { sleep } from "./sleep.ts";

/** How long a lease lasts without a heartbeat (renewed every third of it, a sixth of it late at most). */
export const LEASE_TTL_MS = 30_000;

let counter = 0;
/** Host, process and a random part: made with the first runner id (decision 0192). */
let processPart: string | undefined;

/** A new runner id: host, process, a random part, and a counter within the process. */
export function runnerId(): string {
	counter += 1;
	processPart ??= `${process.getBuiltinModule("node:os").hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
	return `${processPart}#${counter}`;
}

/**
 * The process id of a runner (a lease's owner, `host:pid:…` as `runnerId()` makes it, or `host:pid`)
 * when it is a process of this machine that no longer runs: its lease stays until it lapses, though
 * nothing will renew it. Undefined for a live process, another machine's, or another user's (`EPERM`),
 * none of which can be told apart from here.
 */
export function exitedRunner(owner: string): number | undefined {
	const [host, pid] = owner.split(":");
	if (!/^\d+$/.test(pid ?? "")) return undefined;
	if (host !== process.getBuiltinModule("node:os").hostname()) return undefined;
	try {
		process.kill(Number(pid), 0);
		return undefined; // it runs
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === "ESRCH"
			? Number(pid)
			: undefined;
	}
}

export interface LeaseOptions {
	/** Wait up to this long for a busy thread's lease (default: refuse at once). */
	waitForLease?: number | undefined;
	ttlMs?: number | undefined;
}

const keepRunLease = newestKeeper(); // keep-shape.ts, decision 0196

/**
 * A run's hold on its thread: taken before any node runs, renewed by a heartbeat, given up with the run's
 * final status in one store transaction. When a renewal finds the lease taken over, `lost` aborts.
 */
export class RunLease {
	readonly #cp: Checkpointer;
	#lease: Lease;
	readonly #ttl: number;
	/** Its heartbeat, on the process's one timer (see heartbeat.ts). */
	readonly #heart: Beating;
	readonly #lost = new LazySignal();
	#renewing: Promise<void> | undefined;
	/**
	 * Until when the lease is surely this run's, by this process's clock: the time a successful take or
	 * renewal was asked for, plus the TTL. Past it (a paused process), another runner may hold the lease.
	 */
	#sureUntil: number;
	/** Told when the lease is found taken over, right after `lost` aborts (no event listener: perf, issue 17). */
	#onLost: ((reason: unknown) => void) | undefined;

	private constructor(
		cp: Checkpointer,
		lease: Lease,
		ttl: number,
		asked: number,
	) {
		keepRunLease(this);
		this.#cp = cp;
		this.#lease = lease;
		this.#ttl = ttl;
		this.#sureUntil = asked + ttl;
		const period = Math.max(10, ttl / 3);
		this.#heart = {
			period,
			due: Date.now() + period,
			index: -1,
			beat: () => this.#beat(),
		};
		startBeating(this.#heart);
	}

	/**
	 * Takes the thread's lease, waiting for it up to `waitForLease` ms; `THREAD_BUSY` otherwise. A `signal`
	 * that aborts meanwhile ends the wait with its reason.
	 */
	static async acquire(
		cp: Checkpointer,
		threadId: string,
		options: LeaseOptions,
		signal?: AbortSignal,
	): Promise<RunLease> {
		const ttl = options.ttlMs ?? LEASE_TTL_MS;
		const deadline = Date.now() + Math.max(0, options.waitForLease ?? 0);
		const owner = runnerId();
		for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
			try {
				const asked = Date.now();
				return new RunLease(
					cp,
					await cp.acquireLease(threadId, { owner, ttlMs: ttl }),
					ttl,
					asked,
				);
			} catch (error) {
				if (!isWeftError(error, "THREAD_BUSY")) throw error;
				if (Date.now() >= deadline)
					throw options.waitForLease
						? waitedInVain(error, options.waitForLease)
						: error;
				await sleep(Math.min(delay, deadline - Date.now()), signal);
			}
		}
	}

	/** The fencing token every write of the run carries. */
	get token(): number {
		return this.#lease.token;
	}

	/** Aborts when the lease is found taken over (its reason is the `LEASE_LOST` error). */
	get lost(): LazySignal {
		return this.#lost;
	}

	/** Sets (or, with undefined, clears) the one callback told when `lost` aborts. */
	onLost(callback: ((reason: unknown) => void) | undefined): void {
		this.#onLost = callback;
	}

	#beat(): void {
		if (this.#renewing !== undefined) return;
		// a store that did not answer may answer the next beat; a lease taken over is gone (`#renew`)
		this.#renewing = this.#renew()
			.catch(() => {})
			.finally(() => {
				this.#renewing = undefined;
			});
	}

	/** Renews the lease: surely the run's for a TTL from when this was asked; taken over, it is lost. */
	#renew(): Promise<void> {
		const asked = Date.now();
		return this.#cp.renewLease(this.#lease, this.#ttl).then(
			(lease) => {
				this.#lease = lease;
				this.#sureUntil = Math.max(this.#sureUntil, asked + this.#ttl);
			},
			(error: unknown) => {
				if (isWeftError(error, "LEASE_LOST")) this.#lose(error);
				throw error;
			},
		);
	}

	#lose(error: unknown): void {
		if (this.#lost.aborted) return;
		stopBeating(this.#heart);
		this.#lost.abort(error);
		this.#onLost?.(error);
	}

	/**
	 * Before an effect: undefined (nothing to wait for) while the lease is surely this run's by this
	 * process's clock (a renewal asked for less than a TTL ago succeeded). Past that (the process was
	 * paused, or its renewals go unanswered), the thread's lease is read first: held by another token (or
	 * by none), the lease is lost and this rejects with `LEASE_LOST` (decision 0109). Still this run's, it
	 * may have lapsed unclaimed: it is renewed before the effect, so that nobody takes it over between this
	 * check and the effect (a sweep did, right after the read: decision 0275).
	 */
	confirm(): Promise<void> | undefined {
		if (this.#lost.aborted) return Promise.reject(this.#lost.reason);
		if (Date.now() <= this.#sureUntil) return undefined;
		const { threadId, token } = this.#lease;
		return threadLeaseOf(this.#cp, threadId).then((info) => {
			const current = info?.lease?.token ?? null;
			if (current !== token) {
				const error = leaseLost(threadId, token, current);
				this.#lose(error);
				throw error;
			}
			return this.#renew();
		});
	}

	/**
	 * Stops the heartbeat and gives the lease up, recording `status` with it. False when the lease had been
	 * taken over (the status is the new holder's business then).
	 */
	release(status: StoredThreadStatus | undefined): Promise<boolean> {
		stopBeating(this.#heart);
		// a renewal still under way is not awaited (it may hang on a lost connection): the token decides
		if (this.#lost.aborted) return Promise.resolve(false);
		// the store's promise as it is (no async frame: perf, issue 17); a synchronous throw becomes a rejection
		let released: Promise<boolean>;
		try {
			released = this.#cp.releaseLease(this.#lease, status);
		} catch (error) {
			return Promise.reject(error);
		}
		released.catch((error: unknown) => this.#releaseLater(error, status, 100));
		return released;
	}

	/**
	 * A release the store did not take (its connection lost, the database away) is tried again in the
	 * background, with a growing pause, until the lease would have lapsed anyway: the thread is free as soon
	 * as the store is back, not only at the lease's expiry. The token decides: a lease taken by another
	 * runner meanwhile is not touched.
	 */
	#releaseLater(
		error: unknown,
		status: StoredThreadStatus | undefined,
		delay: number,
	): void {
		if (!isWeftError(error, "STORE_UNAVAILABLE")) return;
		if (Date.now() + delay >= this.#sureUntil) return;
		setTimeout(() => {
			let again: Promise<boolean>;
			try {
				again = this.#cp.releaseLease(this.#lease, status);
			} catch (e) {
				again = Promise.reject(e);
			}
			again.catch((e: unknown) =>
				this.#releaseLater(e, status, Math.min(delay * 2, 250)),
			);
		}, delay).unref?.();
	}
}

/** A store's `THREAD_BUSY` after the run waited `waited` ms for the lease: it says so, and keeps the holder. */
function waitedInVain(busy: CheckpointError, waited: number): CheckpointError {
	const error = new CheckpointError(
		"THREAD_BUSY",
		`${busy.message}; the run waited ${waited} ms for it (waitForLease)`,
		{
			hint: "the holder was still running when the wait ran out: pass a larger waitForLease, or look at the thread (getThread) and try later; a lease not given back lapses at its time, and a thread whose runner died then reads as stale",
		},
	);
	return Object.assign(error, {
		holder: (busy as { holder?: unknown }).holder,
	});
}
