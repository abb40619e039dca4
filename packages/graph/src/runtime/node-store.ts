import {
	fillNamespace,
	type JsonValue,
	type Namespace,
	type Store,
	type StorePutOptions,
} from "@weft/checkpoint";
import type { NodeContext } from "../graph/types.ts";

/**
 * The run's store as a node sees it (`ctx.store`): namespace templates like `["users", "{userId}"]` are
 * filled from the run's context (a missing value throws `INVALID_NAMESPACE`, never a shared namespace),
 * and `put`/`delete` go through `ctx.once`, so a node that runs again after a resume or a crash does not
 * write again. Reads always see the store as it is now.
 */
export function nodeStore(store: Store, ctx: NodeContext): Store {
	const fill = (ns: Namespace) => fillNamespace(ns, ctx.context);
	// writes are matched by position, as interrupts are: the n-th write of a node run is the n-th write
	// of its earlier runs, whatever its arguments (a key made from Date.now() still runs once)
	let writes = 0;
	const onceKey = (op: string) => `store:${writes++}:${op}`;
	return {
		put: async (
			namespace: Namespace,
			key: string,
			value: JsonValue,
			options?: StorePutOptions,
		) => {
			const ns = fill(namespace);
			await ctx.once(onceKey("put"), async () => {
				await store.put(ns, key, value, options);
				return null;
			});
		},
		delete: (namespace, key) => {
			const ns = fill(namespace);
			return ctx.once(onceKey("delete"), () => store.delete(ns, key));
		},
		get: (namespace, key) => store.get(fill(namespace), key),
		list: (prefix, options) => store.list(fill(prefix), options),
		search: (prefix, options) => store.search(fill(prefix), options),
		listNamespaces: (options = {}) =>
			store.listNamespaces(
				options.prefix === undefined
					? options
					: { ...options, prefix: fill(options.prefix) },
			),
		sweep: () => store.sweep(),
		// the run does not own the store: whoever made it closes it
		close: async () => {},
	};
}
