import { isPlainName } from "@weft/checkpoint";

/** No names (one array, shared, frozen). */
const NO_NAMES: string[] = Object.freeze([]) as unknown as string[];

/** A task's or a ran node's node name. */
export const nodeOf = (item: { readonly node: string }): string => item.node;

/**
 * What checkpoint metadata needs of a graph's names, made once at compile: whether they all stand in
 * plain JSON as they are, and a frozen one-name list of each node name and state key. A checkpoint's
 * metadata lists the nodes that wrote, the keys changed and the nodes due next, most often one name each,
 * and a store keeps it with every checkpoint: shared lists are six objects fewer per checkpoint to make,
 * keep and copy at every scavenge (perf, issue 17). Frozen, so no holder can change another's; stored
 * metadata is frozen anyway (MemoryCheckpointer) or written as JSON.
 */
export class GraphNames {
	/**
	 * Every node name, state key and the graph's name can stand in plain JSON as they are (no NUL, not
	 * `__proto__` or `toJSON`): checkpoint metadata made of them needs no check per step (run-store.ts).
	 */
	readonly plain: boolean;
	readonly #one = new Map<string, string[]>();

	constructor(graph: string, names: Iterable<string>) {
		let plain = isPlainName(graph);
		for (const name of names) {
			plain &&= isPlainName(name);
			this.#one.set(name, Object.freeze([name]) as string[]);
		}
		this.plain = plain;
	}

	/** The names of `items`: the shared list when there is one name (or none). */
	map<T>(items: readonly T[], name: (item: T) => string): string[] {
		if (items.length === 0) return NO_NAMES;
		return items.length === 1 ? this.one(name(items[0]!)) : items.map(name);
	}

	/** The shared list of `name` (a new one for a name the graph does not have). */
	one(name: string): string[] {
		return this.#one.get(name) ?? [name];
	}
}
