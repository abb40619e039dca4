import { WeftError } from "@weft/checkpoint";
import type Database from "better-sqlite3";

/**
 * The store's own tables, versioned apart from the checkpointer's (`weft_store_schema`), so a store and a
 * checkpointer can share one file and migrate independently. Items live in `weft_store_items`; the
 * full-text index is an FTS5 table whose rowid is the item's id.
 */
const MIGRATIONS = [
	`CREATE TABLE weft_store_items (
		id INTEGER PRIMARY KEY,
		ns TEXT NOT NULL,
		key TEXT NOT NULL,
		value TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL,
		expires_at INTEGER,
		vector BLOB,
		UNIQUE (ns, key)
	);
	CREATE INDEX weft_store_items_updated ON weft_store_items (updated_at DESC, ns, key);
	CREATE INDEX weft_store_items_expires ON weft_store_items (expires_at) WHERE expires_at IS NOT NULL;
	CREATE VIRTUAL TABLE weft_store_fts USING fts5 (text, tokenize = 'porter unicode61');`,
	// combining marks are part of words (unicode61 split "हिन्दी" at its marks by default; decision 0221).
	// Rows indexed before keep their text (no longer split at marks) until put again.
	`CREATE VIRTUAL TABLE weft_store_fts_2 USING fts5 (text, tokenize = 'porter unicode61 categories ''L* N* Co M*''');
	INSERT INTO weft_store_fts_2 (rowid, text) SELECT rowid, text FROM weft_store_fts;
	DROP TABLE weft_store_fts;
	ALTER TABLE weft_store_fts_2 RENAME TO weft_store_fts;`,
];

export const STORE_SCHEMA_VERSION = MIGRATIONS.length;

/** The store tables' version in the file (0 when they are not there). Reads only. */
function storedVersion(db: Database.Database): number {
	const table = db
		.prepare(
			"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'weft_store_schema'",
		)
		.get();
	if (table === undefined) return 0;
	const row = db
		.prepare("SELECT max(version) AS v FROM weft_store_schema")
		.get() as { v: number | null };
	return row.v ?? 0;
}

function refuseNewer(version: number, path: string): void {
	if (version > STORE_SCHEMA_VERSION)
		throw new WeftError(
			"STORE_SCHEMA_TOO_NEW",
			`the store tables in ${path} have version ${version}; this @weft/checkpoint-sqlite knows up to ${STORE_SCHEMA_VERSION}`,
			{ hint: "upgrade @weft/checkpoint-sqlite; nothing was changed" },
		);
}

/**
 * Creates or migrates the store's tables in one transaction; refuses a newer schema. Current tables are
 * not written at all: opening takes no write lock, so a store opens while another process is inside a
 * write (or stopped in one). The version is read again under the lock, so two processes migrate once.
 */
export function migrateStore(db: Database.Database, path: string): void {
	const found = storedVersion(db);
	refuseNewer(found, path);
	if (found === STORE_SCHEMA_VERSION) return;
	db.transaction(() => {
		db.exec(
			"CREATE TABLE IF NOT EXISTS weft_store_schema (version INTEGER NOT NULL)",
		);
		const version = storedVersion(db);
		refuseNewer(version, path);
		for (let v = version; v < STORE_SCHEMA_VERSION; v++)
			db.exec(MIGRATIONS[v]!);
		if (version === 0)
			db.prepare("INSERT INTO weft_store_schema (version) VALUES (?)").run(
				STORE_SCHEMA_VERSION,
			);
		else if (version < STORE_SCHEMA_VERSION)
			db.prepare("UPDATE weft_store_schema SET version = ?").run(
				STORE_SCHEMA_VERSION,
			);
	}).immediate();
}
