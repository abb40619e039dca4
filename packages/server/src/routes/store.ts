import type {
	SearchItem,
	Store,
	StoreItem,
	StoreSearchFilter,
} from "@weft/checkpoint";
import { ValidationError } from "@weft/checkpoint";
import { Hono } from "hono";
import { type Env, ownerOf } from "../context.ts";
import { StoreGetQuery } from "../query-schemas.ts";
import {
	StoreDelete,
	StoreNamespaces,
	StorePut,
	StoreSearch,
} from "../schemas.ts";
import { ScopedStore } from "../scoped-store.ts";
import { body, query } from "./validate.ts";

/** An item in LangGraph's `Item` shape (`score` only for search results). */
const toItem = (item: StoreItem | SearchItem) => ({
	namespace: item.namespace,
	key: item.key,
	value: item.value,
	created_at: item.createdAt.toISOString(),
	updated_at: item.updatedAt.toISOString(),
	...("score" in item ? { score: item.score ?? null } : {}),
});

const endsWith = (ns: string[], suffix: string[]) =>
	suffix.length <= ns.length &&
	suffix.every((l, i) => ns[ns.length - suffix.length + i] === l);

/**
 * Long-term memory over HTTP (`client.store`): put, get, delete, search items and list namespaces. With
 * auth on, every caller has a store of its own (see `ScopedStore`).
 */
export function storeRoutes(store: Store): Hono<Env> {
	const app = new Hono<Env>();
	const scoped = (c: Parameters<typeof ownerOf>[0]) =>
		new ScopedStore(store, ownerOf(c));

	app.put("/items", async (c) => {
		const b = await body(c, StorePut);
		await scoped(c).put(b.namespace, b.key, b.value as never, {
			ttlMs: b.ttl == null ? undefined : b.ttl * 60_000,
			index: b.index ?? undefined,
		});
		return c.body(null, 204);
	});
	app.get("/items", async (c) => {
		for (const name of ["key", "namespace"])
			if ((c.req.queries(name)?.length ?? 0) > 1)
				throw new ValidationError(
					`query parameter "${name}" is given more than once`,
					{
						hint: `GET /store/items reads one item: pass ${name} once (namespace as labels joined with ".")`,
					},
				);
		const { key, namespace: ns = "" } = query(c, StoreGetQuery);
		const item = await scoped(c).get(ns === "" ? [] : ns.split("."), key);
		return c.json(item === undefined ? null : toItem(item));
	});
	app.delete("/items", async (c) => {
		const b = await body(c, StoreDelete);
		await scoped(c).delete(b.namespace, b.key);
		return c.body(null, 204);
	});
	app.post("/items/search", async (c) => {
		const b = await body(c, StoreSearch);
		const items = await scoped(c).search(b.namespace_prefix, {
			query: b.query ?? undefined,
			filter: (b.filter ?? undefined) as StoreSearchFilter | undefined,
			limit: b.limit,
			offset: b.offset,
		});
		return c.json({ items: items.map(toItem) });
	});
	app.post("/namespaces", async (c) => {
		const b = await body(c, StoreNamespaces);
		const suffix = b.suffix ?? [];
		const maxDepth = b.max_depth ?? undefined;
		if (suffix.length === 0)
			return c.json({
				namespaces: await scoped(c).listNamespaces({
					prefix: b.prefix ?? [],
					maxDepth,
					limit: b.limit,
					offset: b.offset,
				}),
			});
		// the suffix matches whole namespaces; the depth cut comes after it, as LangGraph does
		const all = await scoped(c).listNamespaces({
			prefix: b.prefix ?? [],
			limit: Number.MAX_SAFE_INTEGER,
		});
		const cut = new Map<string, string[]>();
		for (const ns of all.filter((n) => endsWith(n, suffix))) {
			const kept = maxDepth === undefined ? ns : ns.slice(0, maxDepth);
			cut.set(JSON.stringify(kept), kept);
		}
		return c.json({
			namespaces: [...cut.values()].slice(b.offset, b.offset + b.limit),
		});
	});
	return app;
}
