import { describe, expect, it } from "vitest";
import type { Store } from "../store.ts";
import type { StoreSearchFilter } from "../store-filter.ts";
import type { StoreConformanceContext } from "./context.ts";
import { WordEmbeddings } from "./fixtures.ts";

/** The WeftError a call throws (code and hint), or what it threw instead. */
export async function refusal(
	p: Promise<unknown>,
): Promise<{ code: string; hint: boolean } | string> {
	try {
		await p;
	} catch (error) {
		const e = error as { code?: unknown; hint?: unknown };
		if (typeof e?.code === "string" && /^[A-Z_]+$/.test(e.code))
			return {
				code: e.code,
				hint: typeof e.hint === "string" && e.hint !== "",
			};
		return `not a WeftError: ${String(error)}`;
	}
	return "no error";
}

export const refused = (code: string) => ({ code, hint: true });

/**
 * Input some database would change or refuse in its own way (lone surrogates, NUL, non-finite numbers,
 * numbers past bigint, options of the wrong type): every backend refuses it with the same typed error.
 */
export function inputCases(ctx: StoreConformanceContext): void {
	describe("bad input, refused alike", () => {
		const ns = ["a"];
		let store: Store;

		it("refuses filters with NaN, ±Infinity, NUL or lone surrogates (VALIDATION_FAILED)", async () => {
			store = await ctx.open();
			await store.put(ns, "k1", { n: null, s: "x" });
			for (const filter of [
				{ n: Number.NaN },
				{ n: Number.POSITIVE_INFINITY },
				{ n: Number.NEGATIVE_INFINITY },
				{ s: "x\ud800" },
				{ s: "x\u0000" },
				{ "n\udc00": null },
				{ "n\u0000": null },
			])
				expect(
					await refusal(store.search(ns, { filter })),
					JSON.stringify(Object.keys(filter)),
				).toEqual(refused("VALIDATION_FAILED"));
			expect(
				(await store.search(ns, { filter: { n: null } })).map((i) => i.key),
			).toEqual(["k1"]);
		});

		it("refuses unknown operators, order operators without a number or text, and empty comparisons (VALIDATION_FAILED)", async () => {
			store = await ctx.open();
			await store.put(ns, "k1", { n: 1 });
			for (const [i, filter] of [
				{ n: { $in: [1] } },
				{ n: { $gt: 1, $regex: "x" } },
				{ n: { $gt: true } },
				{ n: { $lte: null } },
				{ n: { $eq: [1] } },
				{ n: { $ne: { a: 1 } } },
				{ n: { $gt: Number.NaN } },
				{ n: { $lt: "a\u0000" } },
				{ n: {} },
				{ n: new Date(0) },
				{ n: 1n },
				{ n: { $gt: 1n } },
				{
					n: (() => {
						const cycle: unknown[] = [];
						cycle.push(cycle);
						return cycle;
					})(),
				},
				new Map([["n", 1]]),
				new Date(0),
				[["n", 1]],
			].entries())
				expect(
					await refusal(
						store.search(ns, {
							filter: filter as unknown as StoreSearchFilter,
						}),
					),
					`filter #${i}`,
				).toEqual(refused("VALIDATION_FAILED"));
			expect(
				(await store.search(ns, { filter: { n: { $gt: 0 } } })).map(
					(i) => i.key,
				),
			).toEqual(["k1"]);
		});

		it("refuses keys and labels with a lone surrogate or NUL (INVALID_NAMESPACE), never storing them changed", async () => {
			store = await ctx.open();
			for (const key of ["k\ud800", "\udc00k", "a\u0000b"]) {
				expect(await refusal(store.put(ns, key, 1))).toEqual(
					refused("INVALID_NAMESPACE"),
				);
				expect(await refusal(store.get(ns, key))).toEqual(
					refused("INVALID_NAMESPACE"),
				);
				expect(await refusal(store.delete(ns, key))).toEqual(
					refused("INVALID_NAMESPACE"),
				);
			}
			expect(await refusal(store.put(["x\ud800"], "k", 1))).toEqual(
				refused("INVALID_NAMESPACE"),
			);
			expect(await refusal(store.list(["x\udbff"]))).toEqual(
				refused("INVALID_NAMESPACE"),
			);
			// DEL and C1 controls as C0 ones (outside check, 6 Dec: stored)
			for (const label of ["a\u007fb", "a\u0085b"])
				expect(await refusal(store.put([label], "k", 1)), label).toEqual(
					refused("INVALID_NAMESPACE"),
				);
			expect(await store.listNamespaces()).toEqual([]);
			// a paired surrogate (an emoji) is well-formed and reads back as it was put
			await store.put(["😀"], "k😀", { t: "😀" });
			expect((await store.get(["😀"], "k😀"))?.value).toEqual({ t: "😀" });
		});

		it("takes a namespace and key of up to 2,048 UTF-8 bytes together, and refuses longer ones on put (INVALID_NAMESPACE), writing nothing", async () => {
			// Postgres indexes (ns, key) in a btree, whose entries stop at ~2.7 KB: a longer address failed
			// there alone, as SERIALIZATION_FAILED, while memory and SQLite took it
			store = await ctx.open();
			const label = "n".repeat(1000);
			// 1000 + 1 (separator) + 1000 + 47 = 2048 bytes
			const ns2 = [label, label];
			const atLimit = "k".repeat(47);
			await store.put(ns2, atLimit, { ok: true });
			expect((await store.get(ns2, atLimit))?.value).toEqual({ ok: true });
			expect((await store.list([label])).map((i) => i.key)).toEqual([atLimit]);
			// characters count in UTF-8 bytes: label "a" and 511 emoji (4 bytes each) are 2,045; one more is 2,049
			const emoji = "😀".repeat(511);
			for (const [namespace, key] of [
				[ns2, `${atLimit}k`],
				[["x"], "k".repeat(2048)],
				[["x".repeat(2048)], "k"],
				[Array.from({ length: 1000 }, (_, i) => `n${i}`), "k"],
				[["a"], `${emoji}😀`],
				[["a"], "k".repeat(1_000_000)],
			] as const) {
				const error = await store.put(namespace, key, 1).then(
					() => undefined,
					(e: unknown) => e,
				);
				expect(error, `${namespace.length} labels`).toMatchObject({
					code: "INVALID_NAMESPACE",
					message: expect.stringContaining("2048"),
					hint: expect.any(String),
				});
				// reads of such an address find nothing (there can be no such item), without an error
				expect(await store.get(namespace, key)).toBeUndefined();
				expect(await store.delete(namespace, key)).toBe(false);
			}
			await store.put(["a"], emoji, 1);
			expect((await store.get(["a"], emoji))?.value).toBe(1);
			expect((await store.list([])).length).toBe(2);
		});

		it("refuses values JSON or a database would change: lone surrogates, -0, symbol keys, hidden or extra properties (VALIDATION_FAILED), naming where", async () => {
			store = await ctx.open();
			for (const [value, where] of [
				[{ t: "x\ud800y" }, "value.t"],
				[{ list: ["ok", "\udfff"] }, "value.list[1]"],
				[{ "\udc00": 1 }, "value has a key"],
				[{ z: -0 }, "value.z is -0"],
				[[1, -0], "value[1] is -0"],
				[-0, "value is -0"],
				[{ [Symbol("s")]: 1, a: 1 }, "value has a symbol key"],
				[{ a: { [Symbol.for("s")]: 1 } }, "value.a has a symbol key"],
				[
					Object.defineProperty({ a: 1 }, "hidden", {
						value: 2,
						enumerable: false,
					}),
					"value.hidden is not enumerable",
				],
				[Object.assign([1, 2], { extra: 3 }), "value.extra is not an index"],
			] as const) {
				const error = await store.put(ns, "k", value as never).then(
					() => undefined,
					(e: unknown) => e,
				);
				expect(error, where).toMatchObject({
					code: "VALIDATION_FAILED",
					message: expect.stringContaining(where),
				});
			}
			expect(await store.get(ns, "k")).toBeUndefined();
		});

		it("stores fractional TTLs rounded up to whole milliseconds, and refuses TTLs past the maximum", async () => {
			store = await ctx.open();
			const before = Date.now();
			await store.put(ns, "k", { x: 1 }, { ttlMs: 1500.5 });
			const item = await store.get(ns, "k");
			expect(item?.value).toEqual({ x: 1 });
			const expires = item!.expiresAt!.getTime();
			expect(Number.isInteger(expires)).toBe(true);
			expect(expires).toBeGreaterThanOrEqual(before + 1501);
			await store.put(ns, "long", 1, { ttlMs: 1000 * 365 * 86_400_000 });
			const long = (await store.get(ns, "long"))?.expiresAt?.getTime();
			expect(long).toBeGreaterThan(before + 999 * 365 * 86_400_000);
			for (const ttlMs of [1000 * 365 * 86_400_000 + 1, 8.64e15, 1e300])
				expect(
					await refusal(store.put(ns, "k2", 1, { ttlMs })),
					String(ttlMs),
				).toEqual(refused("VALIDATION_FAILED"));
			expect(await store.get(ns, "k2")).toBeUndefined();
			// a string is shown as one (ttlMs 100 read as the number)
			await expect(
				store.put(ns, "k2", 1, { ttlMs: "100" as never }),
			).rejects.toThrow('ttlMs "100"');
		});

		it("refuses limit and offset past Number.MAX_SAFE_INTEGER (VALIDATION_FAILED), and takes it", async () => {
			store = await ctx.open();
			await store.put(ns, "k1", 1);
			for (const paging of [
				{ limit: 1e20 },
				{ offset: 1e20 },
				{ limit: Number.MAX_SAFE_INTEGER + 1 },
			]) {
				expect(await refusal(store.list(ns, paging))).toEqual(
					refused("VALIDATION_FAILED"),
				);
				expect(await refusal(store.search(ns, paging))).toEqual(
					refused("VALIDATION_FAILED"),
				);
				expect(
					await refusal(store.search(ns, { ...paging, query: "x" })),
				).toEqual(refused("VALIDATION_FAILED"));
				expect(await refusal(store.listNamespaces(paging))).toEqual(
					refused("VALIDATION_FAILED"),
				);
			}
			const max = Number.MAX_SAFE_INTEGER;
			expect((await store.list(ns, { limit: max })).length).toBe(1);
			expect(await store.list(ns, { limit: max, offset: max })).toEqual([]);
			expect((await store.search(ns, { limit: max })).length).toBe(1);
		});

		it("refuses a search query that is not text (VALIDATION_FAILED)", async () => {
			store = await ctx.open();
			await store.put(ns, "k1", { text: "tea" });
			// a NUL or a lone surrogate too: the backends answered it three ways (outside check, 6 Dec)
			for (const query of [5, null, {}, ["tea"], "te\u0000a", "\ud800tea"])
				expect(
					await refusal(store.search(ns, { query } as never)),
					JSON.stringify(query),
				).toEqual(refused("VALIDATION_FAILED"));
		});

		it("refuses bad index, mode and maxDepth options with CONFIG_INVALID", async () => {
			store = await ctx.open();
			await store.put(["a", "b", "c"], "k", { text: "tea" });
			for (const index of ["text", [1], true, null])
				expect(
					await refusal(store.put(ns, "k", { text: "x" }, { index } as never)),
					JSON.stringify(index),
				).toEqual(refused("CONFIG_INVALID"));
			for (const mode of ["bogus", "", 1])
				for (const query of [undefined, "tea"])
					expect(
						await refusal(store.search(ns, { mode, query } as never)),
						`${JSON.stringify(mode)} ${query}`,
					).toEqual(refused("CONFIG_INVALID"));
			for (const maxDepth of [0, -1, 1.5, Number.NaN, "2"])
				expect(
					await refusal(store.listNamespaces({ maxDepth } as never)),
					String(maxDepth),
				).toEqual(refused("CONFIG_INVALID"));
			expect(await store.listNamespaces({ maxDepth: 1 })).toEqual([["a"]]);
			expect(await store.get(ns, "k")).toBeUndefined();
			// with embeddings, an unknown mode is not taken for semantic search
			const embedded = await ctx.open({
				index: { embeddings: new WordEmbeddings() },
			});
			await embedded.put(ns, "k", { text: "tea" });
			expect(
				await refusal(
					embedded.search(ns, { query: "tea", mode: "bogus" as never }),
				),
			).toEqual(refused("CONFIG_INVALID"));
			expect(
				await refusal(
					ctx
						.open({ index: { fields: "text" as never } })
						.then((s) => s.put(ns, "k", { text: "x" })),
				),
			).toEqual(refused("CONFIG_INVALID"));
		});

		it("refuses options that are no object, or name an option the call does not have (CONFIG_INVALID), writing nothing", async () => {
			// LangGraph's put(ns, key, value, ["text"]) / put(…, false) and a typo'd { ttl: 60 } were taken
			// as no options: the item was indexed in full and kept for ever, silently
			store = await ctx.open();
			for (const options of [
				["text"],
				false,
				null,
				"x",
				{ ttl: 60 },
				{ ttlms: 5 },
			])
				expect(
					await refusal(store.put(ns, "k", { text: "x" }, options as never)),
					JSON.stringify(options),
				).toEqual(refused("CONFIG_INVALID"));
			expect(await store.get(ns, "k")).toBeUndefined();
			await store.put(
				ns,
				"k",
				{ text: "tea" },
				{ ttlMs: undefined, index: undefined },
			);
			for (const options of [null, "x", { limt: 1 }, { namespace: ["a"] }]) {
				expect(
					await refusal(store.search(ns, options as never)),
					`search ${JSON.stringify(options)}`,
				).toEqual(refused("CONFIG_INVALID"));
				expect(
					await refusal(store.list(ns, options as never)),
					`list ${JSON.stringify(options)}`,
				).toEqual(refused("CONFIG_INVALID"));
				expect(
					await refusal(store.listNamespaces(options as never)),
					`listNamespaces ${JSON.stringify(options)}`,
				).toEqual(refused("CONFIG_INVALID"));
			}
			expect(await refusal(store.list(ns, { query: "tea" } as never))).toEqual(
				refused("CONFIG_INVALID"),
			);
			expect(
				await store.search(ns, {
					query: "tea",
					limit: 1,
					offset: 0,
					mode: "text",
					filter: {},
				}),
			).toHaveLength(1);
			expect(
				await store.list(ns, { limit: undefined, offset: 0 }),
			).toHaveLength(1);
		});
	});
}
