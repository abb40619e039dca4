import { describe, expect, it } from "vitest";
import type { StoreIndexOptions } from "../store.ts";
import type { StoreConformanceContext } from "./context.ts";
import { refusal, refused } from "./input-cases.ts";

/** The store's `index` options and what embeddings give back. */
export function indexCases(ctx: StoreConformanceContext): void {
	describe("index options and embeddings", () => {
		it("refuses index options it cannot use when the store is made (CONFIG_INVALID)", async () => {
			// { field: [...] } (for fields) was ignored, every string indexed; an object that is no Embeddings
			// was taken, and every put then failed EMBEDDING_FAILED blaming the model
			const bad: unknown[] = [
				{ field: ["title"] },
				{ fields: ["title"], embedding: {} },
				{ embeddings: null },
				{ embeddings: {} },
				{ embeddings: { embed: () => [1] } },
				{ embeddings: { embedDocuments: async () => [[1]] } },
				{ embeddings: "openai" },
				"text",
				["text"],
				null,
			];
			for (const index of bad)
				expect(
					await refusal(ctx.open({ index: index as StoreIndexOptions })),
					JSON.stringify(index) ?? String(index),
				).toEqual(refused("CONFIG_INVALID"));
			const ok = await ctx.open({ index: { fields: ["title"] } });
			await ok.put(["a"], "k", { title: "apple", body: "zebra" });
			expect(await ok.search(["a"], { query: "zebra" })).toEqual([]);
		});

		it("refuses a vector with numbers past float32's range (EMBEDDING_FAILED), storing nothing", async () => {
			// 1e39 was stored as Infinity, and every score with it was NaN
			let vector = [1e39, 1];
			const embeddings = {
				embedDocuments: async (texts: string[]) => texts.map(() => vector),
				embedQuery: async () => vector,
			};
			const store = await ctx.open({ index: { embeddings } });
			expect(await refusal(store.put(["a"], "k", { text: "x" }))).toEqual(
				refused("EMBEDDING_FAILED"),
			);
			expect(await store.get(["a"], "k")).toBeUndefined();
			vector = [3e38, 1];
			await store.put(["a"], "k", { text: "x" });
			vector = [-1e39, 1];
			expect(await refusal(store.search(["a"], { query: "x" }))).toEqual(
				refused("EMBEDDING_FAILED"),
			);
		});
	});
}
