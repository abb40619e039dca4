// Items put before the store had embeddings have no vector: a semantic search says how many it cannot
// rank (EMBEDDING_FAILED, with what to do), rather than leaving them out silently (decision 0222).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isWeftError } from "@weft/checkpoint";
import { WordEmbeddings } from "@weft/checkpoint/store-conformance";
import { SqliteStore } from "@weft/checkpoint-sqlite";
import { expect, it } from "vitest";

it("refuses a semantic search over items that have no vector, naming how many, and finds them by text and hybrid", async () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-store-unembedded-"));
	const path = join(dir, "weft.db");
	try {
		const plain = new SqliteStore({ path });
		await plain.put(["u"], "tea", { text: "green tea" });
		await plain.put(["u"], "dog", { text: "a dog called rex" });
		await plain.put(["u"], "raw", { n: 1 }, { index: false });
		await plain.close();
		const store = new SqliteStore({
			path,
			index: { embeddings: new WordEmbeddings() },
		});
		try {
			await store.put(["u"], "coffee", { text: "black coffee" });
			const error = await store
				.search(["u"], { query: "a drink" })
				.catch((e: unknown) => e);
			expect(isWeftError(error, "EMBEDDING_FAILED")).toBe(true);
			expect((error as Error).message).toContain("2 of the 3");
			expect(
				(await store.search(["u"], { query: "green tea", mode: "hybrid" }))
					.map((h) => h.key)
					.includes("tea"),
			).toBe(true);
			// put again, they are embedded and found by meaning
			await store.put(["u"], "tea", { text: "green tea" });
			await store.put(["u"], "dog", { text: "a dog called rex" });
			expect(
				(await store.search(["u"], { query: "a drink" })).map((h) => h.key),
			).toEqual(["coffee", "tea", "dog"]);
		} finally {
			await store.close();
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
