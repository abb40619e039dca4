import { describe, expect, it } from "vitest";
import type { StoreSearchFilter } from "../store-filter.ts";
import type { StoreConformanceContext } from "./context.ts";
import { tick, WordEmbeddings } from "./fixtures.ts";

const NOTES = [
	["tea", "The user prefers green tea in the morning"],
	["coffee", "Coffee makes the user jittery"],
	["dog", "The user has a dog called Rex"],
	["trip", "Planning a trip to Lisbon in May"],
	["lisbon", "Lisbon trip: book the hotel near the river, trip budget 900"],
] as const;

/** search: listing, filters, full text, semantic and hybrid ranking. */
export function searchCases(ctx: StoreConformanceContext): void {
	describe("search", () => {
		it("ranks by full text under the prefix, best first, with scores and paging", async () => {
			const store = await ctx.open();
			for (const [key, text] of NOTES)
				await store.put(["u1", "notes"], key, { text, kind: "note" });
			await store.put(["u2", "notes"], "trip", { text: "a trip to Lisbon" });
			const hits = await store.search(["u1"], { query: "Lisbon trip budget" });
			expect(hits.map((h) => h.key)).toEqual(["lisbon", "trip"]);
			expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score!);
			expect(hits[0]?.namespace).toEqual(["u1", "notes"]);
			expect(
				(await store.search(["u1"], { query: "lisbon", limit: 1, offset: 1 }))
					.length,
			).toBe(1);
			expect(await store.search(["u1"], { query: "zebra" })).toEqual([]);
			expect(await store.search(["u1"], { query: "!!! ???" })).toEqual([]);
			expect(
				(await store.search(["u1"], { query: "DOG" })).map((h) => h.key),
			).toEqual(["dog"]);
		});

		it("finds common words (no stopwords) and the words inside emails, versions and contractions alike", async () => {
			// Postgres's english configuration dropped stopwords ("the", "is", "what", "can") from items and
			// queries, and its parser kept "bob@example.com" and "1.2.3" whole: those queries found nothing
			// there, while memory and SQLite found the items
			const store = await ctx.open();
			const notes = {
				library: "Where is the library?",
				what: "It is what it is",
				email: "email me at bob@example.com",
				version: "version 1.2.3 release",
				cant: "can't stop now",
				tea: "Green tea",
			};
			for (const [key, text] of Object.entries(notes))
				await store.put(["w"], key, { text });
			const keys = async (query: string) =>
				(await store.search(["w"], { query })).map((h) => h.key).sort();
			expect(await keys("the")).toEqual(["library"]);
			expect(await keys("what is")).toEqual(["library", "what"]);
			expect(await keys("where")).toEqual(["library"]);
			expect(await keys("example")).toEqual(["email"]);
			expect(await keys("bob@example.com")).toEqual(["email"]);
			expect(await keys("1.2.3")).toEqual(["version"]);
			expect(await keys("2")).toEqual(["version"]);
			expect(await keys("can")).toEqual(["cant"]);
			expect(await keys("the tea")).toEqual(["library", "tea"]);
		});

		it("filters by top-level value fields (strings, numbers, booleans, null)", async () => {
			const store = await ctx.open();
			await store.put(["r"], "a", {
				kind: "report",
				year: 2024,
				done: true,
				tag: null,
				text: "alpha",
			});
			await store.put(["r"], "b", {
				kind: "report",
				year: 2025,
				done: false,
				tag: "x",
				text: "alpha beta",
			});
			await store.put(["r"], "c", {
				kind: "note",
				year: 2024,
				done: true,
				text: "alpha",
			});
			await store.put(["r"], "d", "just alpha text");
			const keys = async (
				filter: Record<string, string | number | boolean | null>,
				query?: string,
			) =>
				(await store.search(["r"], { filter, ...(query ? { query } : {}) }))
					.map((h) => h.key)
					.sort();
			expect(await keys({ kind: "report" })).toEqual(["a", "b"]);
			expect(await keys({ year: 2024 })).toEqual(["a", "c"]);
			expect(await keys({ done: false })).toEqual(["b"]);
			expect(await keys({ tag: null })).toEqual(["a"]);
			expect(await keys({ kind: "report", year: 2025 })).toEqual(["b"]);
			expect(await keys({ year: "2024" })).toEqual([]);
			expect(await keys({ kind: "note" }, "alpha")).toEqual(["c"]);
			expect(await keys({}, "alpha")).toEqual(["a", "b", "c", "d"]);
		});

		it("filters with $eq, $ne, $gt, $gte, $lt and $lte (numbers with numbers, text by code point)", async () => {
			const store = await ctx.open();
			await store.put(["o"], "a", { year: 2023, name: "apple", done: true });
			await store.put(["o"], "b", { year: 2024, name: "Banana", done: false });
			await store.put(["o"], "c", { year: 2025.5, name: "cherry", tag: null });
			await store.put(["o"], "d", { year: "2024", name: "\u{1F34E} emoji" });
			await store.put(["o"], "e", { name: "\uFFFD replacement" });
			await store.put(["o"], "f", "just text");
			const keys = async (filter: StoreSearchFilter, query?: string) =>
				(await store.search(["o"], { filter, ...(query ? { query } : {}) }))
					.map((h) => h.key)
					.sort();
			expect(await keys({ year: { $gte: 2024 } })).toEqual(["b", "c"]);
			expect(await keys({ year: { $gt: 2024, $lt: 2026 } })).toEqual(["c"]);
			expect(await keys({ year: { $lte: 2024 } })).toEqual(["a", "b"]);
			expect(await keys({ year: { $eq: 2024 } })).toEqual(["b"]);
			expect(await keys({ year: { $eq: "2024" } })).toEqual(["d"]);
			// a field the value lacks (a value that is no object has none), or of another type, is not
			// equal: $ne holds for it
			expect(await keys({ year: { $ne: 2024 } })).toEqual([
				"a",
				"c",
				"d",
				"e",
				"f",
			]);
			expect(await keys({ done: { $ne: true } })).toEqual([
				"b",
				"c",
				"d",
				"e",
				"f",
			]);
			expect(await keys({ tag: { $ne: null } })).toEqual([
				"a",
				"b",
				"d",
				"e",
				"f",
			]);
			expect(await keys({ tag: { $eq: null } })).toEqual(["c"]);
			// text in code point order: "B" < "a", U+FFFD < U+1F34E (UTF-16 units say otherwise)
			expect(await keys({ name: { $lt: "a" } })).toEqual(["b"]);
			expect(await keys({ name: { $gte: "a", $lt: "b" } })).toEqual(["a"]);
			expect(await keys({ name: { $gt: "\uFFFDz" } })).toEqual(["d"]);
			expect(await keys({ name: { $lt: "\u{1F34E}", $gt: "z" } })).toEqual([
				"e",
			]);
			expect(await keys({ name: { $gte: "a" }, year: { $gt: 2024 } })).toEqual([
				"c",
			]);
			expect(await keys({ year: { $gte: 2024 } }, "cherry")).toEqual(["c"]);
		});

		it("compares numbers past 2^53 as JavaScript reads them (SQLite would read their text exactly)", async () => {
			const store = await ctx.open();
			await store.put(["big"], "a", { n: 2 ** 60 });
			await store.put(["big"], "b", { n: 2 ** 60 + 2 ** 8 });
			const keys = async (filter: StoreSearchFilter) =>
				(await store.search(["big"], { filter })).map((h) => h.key).sort();
			expect(await keys({ n: 2 ** 60 })).toEqual(["a"]);
			expect(await keys({ n: { $lte: 2 ** 60 } })).toEqual(["a"]);
			expect(await keys({ n: { $gt: 2 ** 60 } })).toEqual(["b"]);
			expect(await keys({ n: { $ne: 2 ** 60 } })).toEqual(["b"]);
		});

		it("lists without a query, newest first, score undefined", async () => {
			const store = await ctx.open();
			await store.put(["n"], "old", { text: "x" });
			await tick();
			await store.put(["n"], "new", { text: "y" });
			const hits = await store.search(["n"]);
			expect(hits.map((h) => [h.key, h.score])).toEqual([
				["new", undefined],
				["old", undefined],
			]);
		});

		it("indexes the chosen fields only, and none with index: false", async () => {
			const store = await ctx.open({ index: { fields: ["text"] } });
			await store.put(["f"], "a", { text: "apples", meta: "bananas" });
			await store.put(["f"], "b", { text: "cherries" }, { index: ["meta"] });
			await store.put(["f"], "c", { text: "apples too" }, { index: false });
			expect(
				(await store.search(["f"], { query: "apples" })).map((h) => h.key),
			).toEqual(["a"]);
			expect(await store.search(["f"], { query: "bananas" })).toEqual([]);
			expect(await store.search(["f"], { query: "cherries" })).toEqual([]);
			expect((await store.search(["f"])).length).toBe(3);
			await store.put(["f"], "a", { text: "pears" });
			expect(await store.search(["f"], { query: "apples" })).toEqual([]);
			await store.delete(["f"], "a");
			expect(await store.search(["f"], { query: "pears" })).toEqual([]);
		});

		it("indexes field paths in LangGraph's syntax: [*], [n], [-n], {a,b}, $; refuses one that is none", async () => {
			const store = await ctx.open();
			const value = {
				items: [{ name: "okapi" }, { name: "tapir" }],
				tags: ["zebra", "quagga"],
				meta: { title: "ibex", body: "gnu", note: "yak" },
			};
			const hits = async (index: string[], query: string) => {
				await store.put(["p"], "k", value, { index });
				return (await store.search(["p"], { query })).length;
			};
			expect(await hits(["items[*].name"], "tapir")).toBe(1);
			expect(await hits(["items[0].name"], "tapir")).toBe(0);
			expect(await hits(["items[-1].name"], "tapir")).toBe(1);
			expect(await hits(["tags[1]"], "quagga")).toBe(1);
			expect(await hits(["meta.{title,body}"], "gnu")).toBe(1);
			expect(await hits(["meta.{title,body}"], "yak")).toBe(0);
			expect(await hits(["$"], "yak")).toBe(1);
			// a key of an array names nothing, as in LangGraph
			expect(await hits(["items.name"], "okapi")).toBe(0);
			for (const bad of ["", "a..b", "tags[", "tags[x]", "{}"])
				await expect(
					store.put(["p"], "k", value, { index: [bad] }),
				).rejects.toMatchObject({ code: "CONFIG_INVALID" });
		});

		it("ranks by meaning with embeddings, and fuses both in hybrid mode", async () => {
			const embeddings = new WordEmbeddings();
			const store = await ctx.open({ index: { embeddings, fields: ["text"] } });
			for (const [key, text] of NOTES) await store.put(["u1"], key, { text });
			await store.put(["u2"], "juice", { text: "orange juice" });
			expect(
				await store.search(["u1"], { query: "beverage", mode: "text" }),
			).toEqual([]);
			const semantic = await store.search(["u1"], {
				query: "beverage",
				limit: 2,
			});
			expect(semantic.map((h) => h.key).sort()).toEqual(["coffee", "tea"]);
			expect(semantic[0]!.score).toBeGreaterThan(0);
			expect(semantic[0]!.score).toBeLessThanOrEqual(1);
			const pet = await store.search(["u1"], { query: "pet", limit: 1 });
			expect(pet.map((h) => h.key)).toEqual(["dog"]);
			const hybrid = await store.search(["u1"], {
				query: "Lisbon budget",
				mode: "hybrid",
				limit: 2,
			});
			expect(hybrid.map((h) => h.key)).toEqual(["lisbon", "trip"]);
			const filtered = await store.search(["u1"], {
				query: "beverage",
				filter: { text: "Coffee makes the user jittery" },
			});
			expect(filtered.map((h) => h.key)).toEqual(["coffee"]);
		});

		it("refuses to compare vectors of different lengths (the embeddings model changed) with EMBEDDING_FAILED", async () => {
			let dimensions = 2;
			const embeddings = {
				embedDocuments: async (texts: string[]) =>
					texts.map(() => new Array<number>(dimensions).fill(1)),
				embedQuery: async () => [
					...new Array<number>(dimensions - 1).fill(1),
					5,
				],
			};
			const store = await ctx.open({ index: { embeddings } });
			await store.put(["m"], "old", { text: "tea" });
			await store.put(["other"], "x", { text: "tea" });
			dimensions = 3;
			for (const mode of ["semantic", "hybrid"] as const) {
				const error = await store
					.search(["m"], { query: "tea", mode })
					.catch((e: unknown) => e);
				expect(error, mode).toMatchObject({
					code: "EMBEDDING_FAILED",
					message: expect.stringMatching(/3 dimensions.*have 2\b/),
					hint: expect.any(String),
				});
			}
			// once the item is embedded again (put anew), it is found
			await store.put(["m"], "old", { text: "tea" });
			const hits = await store.search(["m"], { query: "tea" });
			expect(hits.map((h) => h.key)).toEqual(["old"]);
			expect(hits[0]!.score).toBeLessThan(1);
			// text search needs no vectors, and is not refused
			expect(
				(await store.search([], { query: "tea", mode: "text" })).length,
			).toBe(2);
		});
	});
}
