// A store file of schema version 1 (its search index split words at combining marks) is migrated when
// opened: its items keep their text, now found by words with marks (decision 0221).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@weft/checkpoint-sqlite";
import Database from "better-sqlite3";
import { expect, it } from "vitest";

it("migrates a version 1 store file: its indexed text is kept and split at marks no more", async () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-store-migration-"));
	const path = join(dir, "weft.db");
	try {
		const db = new Database(path);
		db.exec(`CREATE TABLE weft_store_schema (version INTEGER NOT NULL);
			INSERT INTO weft_store_schema (version) VALUES (1);
			CREATE TABLE weft_store_items (id INTEGER PRIMARY KEY, ns TEXT NOT NULL, key TEXT NOT NULL,
				value TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, expires_at INTEGER,
				vector BLOB, UNIQUE (ns, key));
			CREATE INDEX weft_store_items_updated ON weft_store_items (updated_at DESC, ns, key);
			CREATE INDEX weft_store_items_expires ON weft_store_items (expires_at) WHERE expires_at IS NOT NULL;
			CREATE VIRTUAL TABLE weft_store_fts USING fts5 (text, tokenize = 'porter unicode61');`);
		const put = db.prepare(
			"INSERT INTO weft_store_items (id, ns, key, value, created_at, updated_at) VALUES (?, 'h', ?, ?, 1, 1)",
		);
		const text = db.prepare(
			"INSERT INTO weft_store_fts (rowid, text) VALUES (?, ?)",
		);
		for (const [id, key, t] of [
			[1, "hindi", "हिन्दी भाषा"],
			[2, "hello", "नमस्ते दुनिया"],
		] as const) {
			put.run(id, key, JSON.stringify({ text: t }));
			text.run(id, t);
		}
		db.close();
		const store = new SqliteStore({ path });
		try {
			const keys = async (query: string) =>
				(await store.search(["h"], { query })).map((h) => h.key);
			expect(await keys("हिन्दी")).toEqual(["hindi"]);
			expect(await keys("दुनिया")).toEqual(["hello"]);
			expect(await keys("न")).toEqual([]);
		} finally {
			await store.close();
		}
		const check = new Database(path, { readonly: true });
		expect(
			check.prepare("SELECT version FROM weft_store_schema").get(),
		).toEqual({ version: 2 });
		check.close();
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
