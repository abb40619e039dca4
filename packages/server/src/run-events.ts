import { WeftError } from "@weft/checkpoint";

/** One event of a run's stream, as sent over SSE. */
export interface RunEvent {
	id: string;
	event: string;
	data: unknown;
	/** `data` as JSON, once some reader has needed it (kept: every reader of the event sends the same text). */
	json?: string | undefined;
}

/** An event as one SSE frame (`event`, `data`, `id` lines, as Hono's `writeSSE` writes them). */
export function sseFrame(ev: RunEvent): string {
	ev.json ??= JSON.stringify(ev.data) ?? "null";
	return `event: ${ev.event}\ndata: ${ev.json}\nid: ${ev.id}\n\n`;
}

/**
 * What a stream reader gets instead of events `from`…`to`, dropped before it read them (more than
 * `events.maxPerRun` came in meanwhile): an `error` event, `EVENTS_EXPIRED`, after which its stream ends.
 */
export function eventsDropped(from: number, to: number): RunEvent {
	return {
		id: String(to),
		event: "error",
		data: {
			error: "EVENTS_EXPIRED",
			message: `events ${from} to ${to} of this run were dropped before this stream read them (each run keeps its newest events.maxPerRun)`,
		},
	};
}

/** Events kept per run unless configured (`events.maxPerRun`). */
export const DEFAULT_MAX_EVENTS = 10_000;
/** How long a run's events are kept after it ends unless configured (`events.ttlMs`): one hour. */
export const DEFAULT_EVENTS_TTL_MS = 3_600_000;
/** Ended runs whose events a process running them keeps in memory unless configured (`events.maxEndedRuns`). */
export const DEFAULT_MAX_ENDED_RUNS = 1_000;

/** How many events each run keeps, and for how long after it ends. */
export interface EventRetention {
	/** The newest this many are kept; older ones are dropped (default 10,000). */
	maxPerRun?: number | undefined;
	/** Milliseconds after the run ends before its events are dropped (default one hour). */
	ttlMs?: number | undefined;
	/**
	 * Runs executed in process (`weft dev`) keep their events in memory: those of at most this many ended
	 * runs, the oldest dropped first, before their `ttlMs` (default 1,000). Workers keep events in Postgres.
	 */
	maxEndedRuns?: number | undefined;
}

/** Throws `EVENTS_EXPIRED` when events after `lastEventId` were dropped (the first kept one is `from`). */
export function eventsExpired(
	runId: string,
	lastEventId: string | undefined,
	from: number,
): void {
	if (lastEventId === undefined) return;
	const after = Number(lastEventId);
	if (!Number.isFinite(after) || after + 1 >= from) return;
	throw new WeftError(
		"EVENTS_EXPIRED",
		Number.isFinite(from)
			? `run ${runId}'s events after ${lastEventId} are no longer kept (the first kept one is ${from})`
			: `run ${runId}'s events are not kept: it ran in an earlier server process`,
		{
			hint: "read the run's outcome with runs.get / runs.join, or re-join its stream without Last-Event-ID",
		},
	);
}

/** `lastEventId`, or `newest` when it is past it (the id of the run's newest event, 0 before any). */
export function atMost(
	lastEventId: string | undefined,
	newest: number,
): string | undefined {
	return lastEventId !== undefined && Number(lastEventId) > newest
		? String(newest)
		: lastEventId;
}

/**
 * The events of one run, kept (up to `limit`) so that a client that reconnects with `Last-Event-ID` gets
 * every event after it, in order, exactly once. Readers never slow the run: it only appends.
 */
export class RunEventLog {
	readonly #events: RunEvent[] = [];
	readonly #limit: number;
	#dropped = 0;
	#closed = false;
	#waiters = new Set<() => void>();

	constructor(limit = DEFAULT_MAX_EVENTS) {
		this.#limit = limit;
	}

	/**
	 * The log of an ended run whose events this process never had (a run of an earlier process): empty
	 * and closed, every event before it gone (a `Last-Event-ID` is `EVENTS_EXPIRED`).
	 */
	static gone(): RunEventLog {
		const log = new RunEventLog(0);
		log.#dropped = Number.POSITIVE_INFINITY;
		log.#closed = true;
		return log;
	}

	/**
	 * Where a join after `lastEventId` starts. Throws `EVENTS_EXPIRED` when some events after it are no
	 * longer kept; an id past the newest event (another run's, a made-up one) reads as the newest: the
	 * stream goes on with the run's next new event, or ends at once when the run has ended.
	 */
	async place(
		lastEventId: string | undefined,
		runId = "?",
	): Promise<string | undefined> {
		eventsExpired(runId, lastEventId, this.#dropped + 1);
		return atMost(lastEventId, this.#dropped + this.#events.length);
	}

	/** Drops every event (the run ended long enough ago); ids keep counting from where they were. */
	expire(): void {
		this.#dropped += this.#events.length;
		this.#events.length = 0;
	}

	/** Appends an event and wakes the readers. */
	push(event: string, data: unknown): void {
		if (this.#closed) return;
		const id = String(this.#dropped + this.#events.length + 1);
		this.#events.push({ id, event, data });
		if (this.#events.length > this.#limit) {
			this.#events.shift();
			this.#dropped++;
		}
		this.#wake();
	}

	/** Ends the stream: readers finish after the last event. */
	close(): void {
		this.#closed = true;
		this.#wake();
	}

	#wake(): void {
		const waiters = [...this.#waiters];
		this.#waiters.clear();
		for (const w of waiters) w();
	}

	/**
	 * Events after `lastEventId` (all kept without it), then live ones until the run ends or `signal`
	 * aborts. A reader that fell so far behind that its next event was dropped (more than `maxPerRun` came
	 * in meanwhile) gets an `error` event, `EVENTS_EXPIRED`, and its stream ends: never a silent gap.
	 */
	async *read(
		lastEventId?: string,
		signal?: AbortSignal,
	): AsyncGenerator<RunEvent> {
		let next = lastEventId === undefined ? 1 : Number(lastEventId) + 1;
		if (!Number.isFinite(next) || next < 1) next = 1;
		// a reader without Last-Event-ID starts at the first event kept; from its first event on, it has one
		let placed = lastEventId !== undefined;
		// one abort listener for the whole read (not one per wait): it wakes the wait in progress
		let wake: (() => void) | undefined;
		const onAbort = () => wake?.();
		signal?.addEventListener("abort", onAbort, { once: true });
		try {
			while (signal?.aborted !== true) {
				if (next - 1 < this.#dropped) {
					if (placed) {
						yield eventsDropped(next, this.#dropped);
						return;
					}
					next = this.#dropped + 1;
				}
				const index = next - 1 - this.#dropped;
				if (index < this.#events.length) {
					const event = this.#events[index]!;
					next = Number(event.id) + 1;
					placed = true;
					yield event;
					continue;
				}
				if (this.#closed) return;
				await new Promise<void>((resolve) => {
					wake = resolve;
					this.#waiters.add(resolve);
				});
			}
		} finally {
			signal?.removeEventListener("abort", onAbort);
		}
	}
}
