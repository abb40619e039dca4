import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryStore, type Store } from "@weft/checkpoint";
import { SqliteStore } from "@weft/checkpoint-sqlite";
import { OfflineEmbeddings } from "./offline-embeddings.ts";

/** Put, get, list and search on any store. */
export async function basics(store: Store) {
	// #region basics
	const ns = ["users", "u1", "memories"];
	await store.put(ns, "drink", {
		text: "Prefers green tea, no sugar",
		kind: "preference",
	});
	await store.put(ns, "city", { text: "Lives in Lisbon", kind: "fact" });
	await store.put(
		ns,
		"trip",
		{ text: "Flying to Oslo on Friday" },
		{ ttlMs: 7 * 24 * 3600_000 },
	);

	const item = await store.get(ns, "drink"); // { namespace, key, value, createdAt, updatedAt, expiresAt }
	const all = await store.list(["users", "u1"]); // every item under the prefix, newest first
	const hits = await store.search(["users", "u1"], {
		query: "green tea",
		limit: 5,
	}); // full text, best first
	const facts = await store.search(["users", "u1"], {
		filter: { kind: "fact" },
	}); // by value fields
	// #endregion basics
	return { item, all, hits, facts };
}

/** The same on SQLite (FTS5), in a file of its own or the checkpointer's. */
export async function onSqlite() {
	const dir = mkdtempSync(join(tmpdir(), "weft-memory-"));
	try {
		// #region sqlite
		const store = new SqliteStore({ path: join(dir, "weft.db") }); // may be the checkpointer's file
		// #endregion sqlite
		try {
			return await basics(store);
		} finally {
			await store.close();
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Semantic and hybrid search with any @langchain/core Embeddings (here an offline stand-in). */
export async function semantic() {
	// #region semantic
	const embeddings = new OfflineEmbeddings(); // any @langchain/core Embeddings, e.g. new OpenAIEmbeddings({ model: "text-embedding-3-small" })
	const store = new MemoryStore({ index: { embeddings, fields: ["text"] } });
	await store.put(["u1"], "drink", { text: "Prefers green tea, no sugar" });
	await store.put(["u1"], "pet", { text: "Has a dog called Rex" });
	const byMeaning = await store.search(["u1"], { query: "favourite beverage" }); // cosine similarity
	const both = await store.search(["u1"], {
		query: "green beverage",
		mode: "hybrid",
	}); // fused ranks
	const words = await store.search(["u1"], { query: "tea", mode: "text" }); // full text only
	// #endregion semantic
	return { byMeaning, both, words };
}

export async function main() {
	return {
		memory: await basics(new MemoryStore()),
		sqlite: await onSqlite(),
		semantic: await semantic(),
	};
}

// Run as a script: node --conditions @weft/source --import tsx examples/src/memory/store-basics.ts
if (
	process.argv[1] !== undefined &&
	realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
) {
	const { memory, semantic: s } = await main();
	console.log(
		`full text "green tea": ${memory.hits.map((h) => h.key).join(", ")}`,
	);
	console.log(`by meaning: ${s.byMeaning.map((h) => h.key).join(", ")}`);
}
