/** One event of a run's stream, as sent over SSE. */
export interface RunEvent {
	id: string;
	event: string;
	data: unknown;
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

	constructor(limit = 10_000) {
		this.#limit = limit;
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

	/** Events after `lastEventId` (all without it), then live ones until the run ends or `signal` aborts. */
	async *read(
		lastEventId?: string,
		signal?: AbortSignal,
	): AsyncGenerator<RunEvent> {
		let next = lastEventId === undefined ? 1 : Number(lastEventId) + 1;
		if (!Number.isFinite(next) || next < 1) next = 1;
		while (signal?.aborted !== true) {
			const index = Math.max(0, next - 1 - this.#dropped);
			if (index < this.#events.length) {
				const event = this.#events[index]!;
				next = Number(event.id) + 1;
				yield event;
				continue;
			}
			if (this.#closed) return;
			await new Promise<void>((resolve) => {
				this.#waiters.add(resolve);
				signal?.addEventListener("abort", () => resolve(), { once: true });
			});
		}
	}
}
