import { retried } from "../retry.ts";

/**
 * A map whose entries are written behind to a store: `set`, `delete` and any field assignment on an entry
 * mark its key dirty; one background flush writes the newest value of each dirty key (or deletes it when
 * the key is gone). A failed write is tried again with a backoff; one still failing after that is
 * reported and remembered (`failure(key)`). Routes keep reading and mutating plain objects synchronously.
 */
export class WrittenMap<V extends object> extends Map<string, V> {
	readonly #dirty = new Set<string>();
	readonly #targets = new Map<string, V>();
	/** Keys deleted here: another process's older copy read before the deletion is written must not revive them. */
	readonly #deleted = new Set<string>();
	#flushing: Promise<void> | undefined;
	#write: ((key: string, value: V | undefined) => Promise<void>) | undefined;
	#onError: (error: unknown) => void = () => {};
	#onWritten: () => void = () => {};
	/** Keys whose newest change could not be written, with the last error. */
	readonly #failed = new Map<string, unknown>();
	/** `groupOf`'s value of each entry → its keys (e.g. a thread's runs). */
	readonly #groups = new Map<string, Set<string>>();
	readonly #groupOf: ((value: V) => string) | undefined;

	/** `groupOf`: a field of the entries (fixed for each) by which `keysOf` finds them without a scan. */
	constructor(groupOf?: (value: V) => string) {
		super();
		this.#groupOf = groupOf;
	}

	/** The keys of the entries whose `groupOf` is `group`. */
	keysOf(group: string): ReadonlySet<string> {
		return this.#groups.get(group) ?? new Set();
	}

	#group(key: string, value: V | undefined): void {
		if (this.#groupOf === undefined) return;
		const old = super.get(key);
		if (old !== undefined) {
			const g = this.#groupOf(old);
			const keys = this.#groups.get(g);
			keys?.delete(key);
			if (keys?.size === 0) this.#groups.delete(g);
		}
		if (value === undefined) return;
		const g = this.#groupOf(value);
		const keys = this.#groups.get(g);
		if (keys === undefined) this.#groups.set(g, new Set([key]));
		else keys.add(key);
	}

	/**
	 * Starts writing changes (entries set before this are not written). `onWritten`: after each write that
	 * succeeded, so that a log of failures can say they ended.
	 */
	writeTo(
		write: (key: string, value: V | undefined) => Promise<void>,
		onError: (error: unknown) => void,
		onWritten: () => void = () => {},
	): void {
		this.#write = write;
		this.#onError = onError;
		this.#onWritten = onWritten;
	}

	/** Fills the map from the store without writing anything back (what the store holds wins). */
	load(key: string, value: V): void {
		this.#deleted.delete(key);
		this.#group(key, value);
		super.set(key, this.#watch(key, value));
	}

	/** Takes another process's newer value (or its deletion) without writing it back. */
	refresh(key: string, value: V | undefined): void {
		if (value !== undefined && this.#deleted.has(key)) return;
		const target = this.#targets.get(key);
		if (value === undefined) {
			this.#group(key, undefined);
			super.delete(key);
			this.#targets.delete(key);
		} else if (target === undefined || !super.has(key)) this.load(key, value);
		else {
			this.#group(key, undefined);
			Object.assign(target, value);
			this.#group(key, target);
		}
	}

	override set(key: string, value: V): this {
		this.#deleted.delete(key);
		this.#group(key, value);
		super.set(key, this.#watch(key, value));
		this.#mark(key);
		return this;
	}

	override delete(key: string): boolean {
		this.#group(key, undefined);
		const had = super.delete(key);
		this.#targets.delete(key);
		if (had) {
			this.#deleted.add(key);
			this.#mark(key);
		}
		return had;
	}

	/**
	 * The entry of `key`, else the store's (`read`), then kept. The store is read once this map's own
	 * changes are written, so a deletion made here is not undone by the copy it deleted.
	 */
	async find(
		key: string,
		read: (key: string) => Promise<V | undefined>,
	): Promise<V | undefined> {
		if (super.get(key) !== undefined) return super.get(key);
		await this.flush();
		const stored = await read(key);
		if (stored !== undefined && super.get(key) === undefined)
			this.load(key, stored);
		return super.get(key);
	}

	/** Resolves once every change made so far is written. */
	async flush(): Promise<void> {
		while (this.#flushing !== undefined) await this.#flushing;
	}

	/** The error that stopped the newest change of `key` from being written, if it was given up. */
	failure(key: string): unknown {
		return this.#failed.get(key);
	}

	#watch(key: string, value: V): V {
		this.#targets.set(key, value);
		return new Proxy(value, {
			set: (target, prop, v) => {
				Reflect.set(target, prop, v);
				if (super.get(key) !== undefined) this.#mark(key);
				return true;
			},
		});
	}

	#mark(key: string): void {
		if (this.#write === undefined) return;
		this.#dirty.add(key);
		this.#failed.delete(key);
		if (this.#flushing === undefined) this.#flushing = this.#drain();
	}

	async #drain(): Promise<void> {
		await Promise.resolve();
		while (this.#dirty.size > 0) {
			const keys = [...this.#dirty];
			this.#dirty.clear();
			for (const key of keys) await this.#writeOne(key);
		}
		// cleared in the same turn as the last check, so a change made after it starts a new drain
		this.#flushing = undefined;
	}

	async #writeOne(key: string): Promise<void> {
		try {
			// a newer change of the key queued meanwhile is written by the next pass
			let written = false;
			await retried(
				() =>
					this.#write!(key, super.get(key)).then(() => {
						written = true;
					}),
				() => this.#dirty.has(key),
			);
			// tries given up for a newer change wrote nothing: the next pass says how that went
			if (written) this.#onWritten();
		} catch (error) {
			this.#failed.set(key, error);
			this.#onError(error);
		}
	}
}
