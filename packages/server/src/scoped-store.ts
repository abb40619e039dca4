import type {
	ListNamespacesOptions,
	Namespace,
	SearchItem,
	Store,
	StoreItem,
	StoreListOptions,
	StorePutOptions,
	StoreSearchOptions,
} from "@weft/checkpoint";
import type { CompiledGraph, RunConfig } from "@weft/graph";

/** The namespace every item of `owner` lives under when auth is on (none without auth). */
export const ownerScope = (owner: string | undefined): string[] =>
	owner === undefined ? [] : ["owners", owner];

/**
 * One owner's view of a store: every namespace is kept under `ownerScope(owner)`, and what is read back
 * has that prefix taken off, so a caller (or a run it started) never sees another owner's items.
 */
export class ScopedStore implements Store {
	readonly #store: Store;
	readonly #scope: string[];

	constructor(store: Store, owner: string | undefined) {
		this.#store = store;
		this.#scope = ownerScope(owner);
	}

	#in = (ns: Namespace): string[] => [...this.#scope, ...ns];
	#out = <T extends StoreItem>(item: T): T => ({
		...item,
		namespace: item.namespace.slice(this.#scope.length),
	});

	put(
		namespace: Namespace,
		key: string,
		value: Parameters<Store["put"]>[2],
		options?: StorePutOptions,
	): Promise<void> {
		return this.#store.put(this.#in(namespace), key, value, options);
	}
	async get(namespace: Namespace, key: string): Promise<StoreItem | undefined> {
		const item = await this.#store.get(this.#in(namespace), key);
		return item === undefined ? undefined : this.#out(item);
	}
	delete(namespace: Namespace, key: string): Promise<boolean> {
		return this.#store.delete(this.#in(namespace), key);
	}
	async list(
		prefix: Namespace,
		options?: StoreListOptions,
	): Promise<StoreItem[]> {
		return (await this.#store.list(this.#in(prefix), options)).map(this.#out);
	}
	async search(
		prefix: Namespace,
		options?: StoreSearchOptions,
	): Promise<SearchItem[]> {
		return (await this.#store.search(this.#in(prefix), options)).map(this.#out);
	}
	async listNamespaces(
		options: ListNamespacesOptions = {},
	): Promise<string[][]> {
		const found = await this.#store.listNamespaces({
			...options,
			prefix: this.#in(options.prefix ?? []),
			maxDepth:
				options.maxDepth === undefined
					? undefined
					: this.#scope.length + options.maxDepth,
		});
		return found.map((ns) => ns.slice(this.#scope.length));
	}
	/** Sweeps the whole store (expired items of every owner). */
	sweep(): Promise<number> {
		return this.#store.sweep();
	}
	/** Does nothing: the server owns the store and closes it. */
	async close(): Promise<void> {}
}

/**
 * The graph as a run of `owner` uses it: its runs get the server's store seen through `ScopedStore`, so
 * what a node remembers is what its owner reads at `/store`, and no other owner's.
 */
export function withRunStore<G extends CompiledGraph<any, any>>(
	graph: G,
	store: Store | undefined,
	owner: string | undefined,
): G {
	if (store === undefined) return graph;
	const scoped = new ScopedStore(store, owner);
	return new Proxy(graph, {
		get(target, prop) {
			if (prop === "stream")
				return (input: unknown, config: RunConfig = {}) =>
					target.stream(input as never, { store: scoped, ...config });
			const value: unknown = Reflect.get(target, prop, target);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}
