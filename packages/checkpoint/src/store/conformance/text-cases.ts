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
	});
}
