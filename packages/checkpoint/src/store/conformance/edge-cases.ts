import { describe, expect, it } from "vitest";
import type { Store } from "../store.ts";
import type { StoreConformanceContext } from "./context.ts";
import { WordEmbeddings } from "./fixtures.ts";
import { refusal, refused } from "./input-cases.ts";

const cycle = (): unknown => {
	const o: Record<string, unknown> = { a: 1 };
	o.self = o;
	return o;
};

/**
 * Edges of each argument (outside check, 7 Dec): paging past the end, odd limits, values that are not
 * JSON, odd namespaces and keys, TTLs that are no duration. Each bad one is the same typed error on every
 * backend, and nothing already stored is lost.
 */
export function edgeCases(ctx: StoreConformanceContext): void {
	describe("argument edges, alike on every backend", () => {
		const ns = ["edge"];
		let store: Store;

		it("pages past the end to an empty page, for list and every kind of search", async () => {
			store = await ctx.open();
			await store.put(ns, "k1", { text: "tea" });
			await store.put(ns, "k2", { text: "tea too" });
			for (const offset of [2, 3, 1000, Number.MAX_SAFE_INTEGER]) {
				expect(await store.list(ns, { offset }), `list ${offset}`).toEqual([]);
				expect(await store.search(ns, { offset }), `search ${offset}`).toEqual(
					[],
				);
				expect(
					await store.search(ns, { offset, query: "tea" }),
					`query ${offset}`,
				).toEqual([]);
				expect(
					await store.search(ns, { offset, filter: { text: "tea" } }),
					`filter ${offset}`,
				).toEqual([]);
			}
			expect(
				(await store.search(ns, { offset: 1, limit: 5 })).map((i) => i.key),
			).toHaveLength(1);
			expect(await store.search(ns, { limit: 0 })).toEqual([]);
			const embedded = await ctx.open({
				index: { embeddings: new WordEmbeddings() },
			});
			await embedded.put(ns, "k1", { text: "tea" });
			expect(await embedded.search(ns, { query: "tea", offset: 1 })).toEqual(
				[],
			);
			expect(
				await embedded.search(ns, { query: "tea", offset: 1, limit: 0 }),
			).toEqual([]);
		});

		it.each([
			["a negative limit", { limit: -1 }],
			["a NaN limit", { limit: Number.NaN }],
			["an infinite limit", { limit: Number.POSITIVE_INFINITY }],
			["a fractional limit", { limit: 1.5 }],
			["a text limit", { limit: "10" }],
			["a null limit", { limit: null }],
			["a negative offset", { offset: -1 }],
			["a NaN offset", { offset: Number.NaN }],
			["a fractional offset", { offset: 0.5 }],
			["a text offset", { offset: "1" }],
		])(
			"refuses %s on list, search and listNamespaces (VALIDATION_FAILED)",
			async (_name, paging) => {
				store = await ctx.open();
				await store.put(ns, "k1", { text: "tea" });
				const p = paging as never;
				expect(await refusal(store.list(ns, p)), "list").toEqual(
					refused("VALIDATION_FAILED"),
				);
				expect(await refusal(store.search(ns, p)), "search").toEqual(
					refused("VALIDATION_FAILED"),
				);
				expect(
					await refusal(
						store.search(ns, { ...(paging as object), query: "tea" } as never),
					),
					"query",
				).toEqual(refused("VALIDATION_FAILED"));
				expect(
					await refusal(store.listNamespaces(p)),
					"listNamespaces",
				).toEqual(refused("VALIDATION_FAILED"));
			},
		);

		it.each([
			["a function", () => 1],
			["a function inside", { f: () => 1 }],
			["a BigInt", 1n],
			["a BigInt inside", { n: [1n] }],
			["a cycle", cycle()],
			["a symbol", Symbol("s")],
			["undefined", undefined],
			["undefined inside", { u: undefined }],
			["NaN", { n: Number.NaN }],
			["Infinity", { n: Number.POSITIVE_INFINITY }],
			["a Map", new Map([["a", 1]])],
			["a Date", { at: new Date(0) }],
			[
				"a class instance",
				{
					at: new (class Point {
						x = 1;
					})(),
				},
			],
		])(
			"refuses %s as a value (VALIDATION_FAILED), keeping what was stored",
			async (_name, value) => {
				store = await ctx.open();
				await store.put(ns, "k", { kept: true });
				expect(await refusal(store.put(ns, "k", value as never))).toEqual(
					refused("VALIDATION_FAILED"),
				);
				expect((await store.get(ns, "k"))?.value).toEqual({ kept: true });
			},
		);

		it.each([
			["an empty namespace", []],
			["an empty label", [""]],
			["an empty label inside", ["a", "", "b"]],
			["a label that is no text", ["a", 1]],
			["a null label", [null]],
			["a namespace that is no list", "a"],
			["a namespace that is null", null],
		])(
			"refuses %s on put, get, delete (INVALID_NAMESPACE)",
			async (_name, namespace) => {
				store = await ctx.open();
				const n = namespace as never;
				expect(await refusal(store.put(n, "k", 1)), "put").toEqual(
					refused("INVALID_NAMESPACE"),
				);
				expect(await refusal(store.get(n, "k")), "get").toEqual(
					refused("INVALID_NAMESPACE"),
				);
				expect(await refusal(store.delete(n, "k")), "delete").toEqual(
					refused("INVALID_NAMESPACE"),
				);
				expect(await store.listNamespaces()).toEqual([]);
			},
		);

		it.each([
			["an empty label", [""]],
			["an empty label inside", ["a", ""]],
			["a label that is no text", [1]],
			["a null label", [null]],
			["a prefix that is no list", "a"],
			["a prefix that is null", null],
		])(
			"refuses %s as a prefix of list, search and listNamespaces (INVALID_NAMESPACE)",
			async (_name, prefix) => {
				store = await ctx.open();
				await store.put(["a", "b"], "k", { text: "tea" });
				const p = prefix as never;
				expect(await refusal(store.list(p)), "list").toEqual(
					refused("INVALID_NAMESPACE"),
				);
				expect(await refusal(store.search(p)), "search").toEqual(
					refused("INVALID_NAMESPACE"),
				);
				expect(
					await refusal(store.search(p, { query: "tea" })),
					"query",
				).toEqual(refused("INVALID_NAMESPACE"));
				expect(
					await refusal(store.listNamespaces({ prefix: p })),
					"listNamespaces",
				).toEqual(refused("INVALID_NAMESPACE"));
			},
		);

		it.each([
			["an empty key", ""],
			["a key that is no text", 5],
			["a null key", null],
		])(
			"refuses %s on put, get, delete (INVALID_NAMESPACE)",
			async (_name, key) => {
				store = await ctx.open();
				const k = key as never;
				expect(await refusal(store.put(ns, k, 1)), "put").toEqual(
					refused("INVALID_NAMESPACE"),
				);
				expect(await refusal(store.get(ns, k)), "get").toEqual(
					refused("INVALID_NAMESPACE"),
				);
				expect(await refusal(store.delete(ns, k)), "delete").toEqual(
					refused("INVALID_NAMESPACE"),
				);
			},
		);

		it("takes labels with dots, slashes, spaces and separators-looking text as they are", async () => {
			store = await ctx.open();
			const odd = ["a.b", "c/d", " e ", "f:g", "%", "_"];
			await store.put(odd, "k.1", { ok: 1 });
			expect((await store.get(odd, "k.1"))?.value).toEqual({ ok: 1 });
			expect(await store.get(["a", "b", "c/d"], "k.1")).toBeUndefined();
			expect((await store.list(["a.b"])).map((i) => i.namespace)).toEqual([
				odd,
			]);
			expect(await store.list(["a"])).toEqual([]);
			expect(await store.list(["%"])).toEqual([]);
			expect(await store.search(["_"])).toEqual([]);
		});

		it.each([
			["0", 0],
			["a negative TTL", -1],
			["NaN", Number.NaN],
			["Infinity", Number.POSITIVE_INFINITY],
			["null", null],
		])(
			"refuses ttlMs %s (VALIDATION_FAILED), keeping what was stored",
			async (_name, ttlMs) => {
				store = await ctx.open();
				await store.put(ns, "k", { kept: true });
				expect(
					await refusal(store.put(ns, "k", { new: true }, { ttlMs } as never)),
				).toEqual(refused("VALIDATION_FAILED"));
				const item = await store.get(ns, "k");
				expect(item?.value).toEqual({ kept: true });
				expect(item?.expiresAt).toBeUndefined();
			},
		);
	});
}
