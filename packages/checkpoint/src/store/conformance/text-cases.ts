import { describe, expect, it } from "vitest";
import type { SearchItem } from "../store.ts";
import type { StoreConformanceContext } from "./context.ts";

/** Equal scores: newest update first, then namespace, then key (code point order), on every backend. */
function tieOrder(a: SearchItem, b: SearchItem): number {
	const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
	return (
		b.updatedAt.getTime() - a.updatedAt.getTime() ||
		cmp(a.namespace.join("\u001f"), b.namespace.join("\u001f")) ||
		cmp(a.key, b.key)
	);
}

/** Full-text search: how ties are ordered and paged, and how text is split into words. */
export function textCases(ctx: StoreConformanceContext): void {
	describe("text search words and ties", () => {
		it("pages through items of equal score without skipping or repeating any, ties in one order", async () => {
			// Postgres ordered by rank and update time only: items put at once came in another order on each
			// page, and paging by 3 through 60 gave some 48 distinct items
			const store = await ctx.open();
			const keys = Array.from(
				{ length: 60 },
				(_, i) => `k${String(59 - i).padStart(2, "0")}`,
			);
			await Promise.all(
				keys.map((k) => store.put(["t"], k, { text: "same words here" })),
			);
			const all = await store.search(["t"], { query: "same", limit: 100 });
			expect(all.length).toBe(60);
			expect(all.map((i) => i.key)).toEqual(
				[...all].sort(tieOrder).map((i) => i.key),
			);
			const paged: string[] = [];
			for (let offset = 0; offset < 60; offset += 3)
				for (const i of await store.search(["t"], {
					query: "same",
					limit: 3,
					offset,
				}))
					paged.push(i.key);
			expect(paged).toEqual(all.map((i) => i.key));
		});

		it("keeps combining marks in words and matches composed and decomposed accents alike", async () => {
			// the word pattern dropped marks (\p{M}): "हिन्दी" was split into single letters, and found
			// "नमस्ते दुनिया", which shares one
			const store = await ctx.open();
			await store.put(["h"], "hindi", { text: "हिन्दी भाषा" });
			await store.put(["h"], "hello", { text: "नमस्ते दुनिया" });
			await store.put(["h"], "tamil", { text: "தமிழ் மொழி" });
			await store.put(["h"], "nfd", { text: "cafe\u0301 au lait" });
			const keys = async (query: string) =>
				(await store.search(["h"], { query })).map((h) => h.key).sort();
			expect(await keys("हिन्दी")).toEqual(["hindi"]);
			expect(await keys("दुनिया")).toEqual(["hello"]);
			expect(await keys("न")).toEqual([]);
			expect(await keys("தமிழ்")).toEqual(["tamil"]);
			expect(await keys("caf\u00e9")).toEqual(["nfd"]);
			expect(await keys("cafe\u0301")).toEqual(["nfd"]);
		});

		it("splits words at symbols and emoji", async () => {
			// the memory store split at spaces and punctuation only: "tea+milk" was one word there
			const store = await ctx.open();
			await store.put(["s"], "a", { text: "tea+milk, price=5€, green🍵tea" });
			await store.put(["s"], "b", { text: "nothing here" });
			for (const query of ["tea", "milk", "price", "5", "green"])
				expect(
					(await store.search(["s"], { query })).map((h) => h.key),
					query,
				).toEqual(["a"]);
		});

		it("counts a word repeated in the query once", async () => {
			// Postgres counted it once, memory and SQLite once per repeat: "tea tea coffee" ranked tea first
			const store = await ctx.open();
			await store.put(["r"], "tea", { text: "tea" });
			await store.put(["r"], "coffee", { text: "coffee" });
			await store.put(["r"], "other", { text: "water" });
			const hits = async (query: string) =>
				(await store.search(["r"], { query })).map((h) => [h.key, h.score]);
			expect(await hits("tea tea Tea coffee")).toEqual(
				await hits("tea coffee"),
			);
		});
	});
}
