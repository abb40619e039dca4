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
	// Writes are matched by what they write to (operation, namespace, key, and how many times this node
	// run wrote there before), not by position: a write a node skips on its second run (a put-if-missing
	// that now finds its item) must not shift a later write onto the first run's record (decision 0053).
	const seen = new Map<string, number>();
	const onceKey = (
		op: "put" | "delete",
		ns: readonly string[],
		key: string,
	) => {
		const target = JSON.stringify([op, ns, key]);
		const n = seen.get(target) ?? 0;
		seen.set(target, n + 1);
		return `store:${target}#${n}`;
	};
	return {
		put: async (
			namespace: Namespace,
			key: string,
			value: JsonValue,
			options?: StorePutOptions,
		) => {
			const ns = fill(namespace);
			await ctx.once(onceKey("put", ns, key), async () => {
				await store.put(ns, key, value, options);
				return null;
			});
		},
		delete: (namespace, key) => {
			const ns = fill(namespace);
			return ctx.once(onceKey("delete", ns, key), () => store.delete(ns, key));
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
