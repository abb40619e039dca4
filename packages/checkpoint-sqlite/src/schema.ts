import type Database from "better-sqlite3";

/**
 * Schema migrations, applied in order on open; `PRAGMA user_version` holds how many were applied.
 * Never edit one that shipped: append a new one.
 *
 * Column order matters: `data` comes after every column a query reads without the blob (only `linear`,
 * migration 6, follows it), so a query that reads only the columns before it (listings, chain walks,
 * prune plans) stays within the row's first page and never follows the blob's overflow pages.
 */
export const MIGRATIONS: readonly string[] = [
	// 1: checkpoints, pending writes, threads.
	`
	CREATE TABLE checkpoints (
		thread_id     TEXT    NOT NULL,
		ns            TEXT    NOT NULL,
		checkpoint_id TEXT    NOT NULL,
		parent_id     TEXT,
		step          INTEGER NOT NULL,
		source        TEXT    NOT NULL,
		created_at    TEXT    NOT NULL,
		metadata      TEXT    NOT NULL,
		size          INTEGER NOT NULL,
		data          BLOB    NOT NULL
	);
	CREATE UNIQUE INDEX checkpoints_id ON checkpoints (thread_id, ns, checkpoint_id);
	CREATE INDEX checkpoints_parent ON checkpoints (thread_id, ns, parent_id);
	CREATE TABLE writes (
		thread_id     TEXT    NOT NULL,
		ns            TEXT    NOT NULL,
		checkpoint_id TEXT    NOT NULL,
		seq           INTEGER NOT NULL,
		data          BLOB    NOT NULL,
		PRIMARY KEY (thread_id, ns, checkpoint_id, seq)
	);
	CREATE TABLE threads (
		thread_id  TEXT PRIMARY KEY,
		status     TEXT NOT NULL,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL
	);
	CREATE INDEX threads_updated ON threads (updated_at);
	`,
	// 2: a has_snapshot column before the blob, so chain walks stop on it without parsing metadata. The
	// table is rebuilt: ALTER TABLE ADD COLUMN would put the column after the blob. (No index on
	// threads.status: every put updates its thread row, and each index on it costs a page per commit.)
	`
	CREATE TABLE checkpoints_v2 (
		thread_id     TEXT    NOT NULL,
		ns            TEXT    NOT NULL,
		checkpoint_id TEXT    NOT NULL,
		parent_id     TEXT,
		step          INTEGER NOT NULL,
		source        TEXT    NOT NULL,
		created_at    TEXT    NOT NULL,
		metadata      TEXT    NOT NULL,
		size          INTEGER NOT NULL,
		has_snapshot  INTEGER NOT NULL,
		data          BLOB    NOT NULL
	);
	INSERT INTO checkpoints_v2
		SELECT thread_id, ns, checkpoint_id, parent_id, step, source, created_at, metadata, size,
		       CASE WHEN json_extract(metadata, '$.snapshot') THEN 1 ELSE 0 END, data
		FROM checkpoints ORDER BY rowid;
	DROP TABLE checkpoints;
	ALTER TABLE checkpoints_v2 RENAME TO checkpoints;
	CREATE UNIQUE INDEX checkpoints_id ON checkpoints (thread_id, ns, checkpoint_id);
	CREATE INDEX checkpoints_parent ON checkpoints (thread_id, ns, parent_id);
	`,
	// 3: store order and leases (issue 10). `seq` is the checkpoint's place in its thread, given in the put
	// transaction from `threads.last_seq` (existing rows: their insertion order), before the blob. The seq
	// index finds the newest checkpoint and lists pages with one seek; it holds the id, so head ids are
	// read from indexes alone. Pending writes record their `kind` (prune keeps checkpoints with an
	// interrupt; rows from before this version have NULL and are treated as possible interrupts). The
	// lease lives on the thread row: `lease_token` is the last token handed out (never reset),
	// `lease_owner`/`lease_expires_at` (ms since the epoch) are NULL while nobody holds it.
	`
	CREATE TABLE checkpoints_v3 (
		thread_id     TEXT    NOT NULL,
		ns            TEXT    NOT NULL,
		checkpoint_id TEXT    NOT NULL,
		parent_id     TEXT,
		seq           INTEGER NOT NULL,
		step          INTEGER NOT NULL,
		source        TEXT    NOT NULL,
		created_at    TEXT    NOT NULL,
		metadata      TEXT    NOT NULL,
		size          INTEGER NOT NULL,
		has_snapshot  INTEGER NOT NULL,
		data          BLOB    NOT NULL
	);
	INSERT INTO checkpoints_v3
		SELECT thread_id, ns, checkpoint_id, parent_id,
		       row_number() OVER (PARTITION BY thread_id ORDER BY rowid),
		       step, source, created_at, metadata, size, has_snapshot, data
		FROM checkpoints ORDER BY rowid;
	DROP TABLE checkpoints;
	ALTER TABLE checkpoints_v3 RENAME TO checkpoints;
	CREATE UNIQUE INDEX checkpoints_id ON checkpoints (thread_id, ns, checkpoint_id);
	CREATE INDEX checkpoints_parent ON checkpoints (thread_id, ns, parent_id);
	CREATE INDEX checkpoints_seq ON checkpoints (thread_id, ns, seq, checkpoint_id);
	CREATE TABLE writes_v3 (
		thread_id     TEXT    NOT NULL,
		ns            TEXT    NOT NULL,
		checkpoint_id TEXT    NOT NULL,
		seq           INTEGER NOT NULL,
		kind          TEXT,
		data          BLOB    NOT NULL,
		PRIMARY KEY (thread_id, ns, checkpoint_id, seq)
	);
	INSERT INTO writes_v3 SELECT thread_id, ns, checkpoint_id, seq, NULL, data FROM writes;
	DROP TABLE writes;
	ALTER TABLE writes_v3 RENAME TO writes;
	ALTER TABLE threads ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE threads ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE threads ADD COLUMN lease_owner TEXT;
	ALTER TABLE threads ADD COLUMN lease_expires_at INTEGER;
	UPDATE threads SET last_seq = coalesce(
		(SELECT max(c.seq) FROM checkpoints c WHERE c.thread_id = threads.thread_id), 0);
	`,
	// 4: the highest lease token of any deleted thread (decision 0040). Leases are taken above it, so a run
	// still holding a deleted thread's lease never matches the token of a new thread of the same id. One
	// row, written only by deleteThread.
	`
	CREATE TABLE lease_floor (id INTEGER PRIMARY KEY CHECK (id = 1), token INTEGER NOT NULL);
	INSERT INTO lease_floor VALUES (1, 0);
	`,
	// 5: the root namespace's checkpoint count and heads (a JSON array of ids, newest first) on the thread
	// row, kept by the statement every put already runs on that row (decision 0139), so getThread,
	// listThreads and heads of the root read them instead of scanning the thread. NULL means not known:
	// rows from before this version, and rows made by setStatus or acquireLease. Reads then scan, and the
	// thread's next root put (or a prune) fills them in. Adding NULL columns rewrites nothing, so opening
	// a big file stays fast.
	`
	ALTER TABLE threads ADD COLUMN root_count INTEGER;
	ALTER TABLE threads ADD COLUMN root_heads TEXT;
	`,
	// 6: a linear put leaves the parent index alone (decision 0194). `linear` is 1 on a root checkpoint put
	// on its thread's only head (every step of a linear run; the put knows it from the thread row's heads,
	// see bumpSeq): that head was the namespace's newest row, so the new row is the next row by seq after
	// its parent, and a parent's child is found there. Only the other rows (forks, subgraph namespaces,
	// first puts, rows from before this version) are in the parent index. In a file with many threads each
	// index write lands inside a full B-tree page and SQLite rebalances it with its siblings, several
	// pages a put: one index fewer on every step. The column is added after the blob (a constant default
	// rewrites nothing); it is read only where the row is whole (the index's condition on insert and
	// delete), never by a query that stops before the blob.
	`
	ALTER TABLE checkpoints ADD COLUMN linear INTEGER NOT NULL DEFAULT 0;
	DROP INDEX checkpoints_parent;
	CREATE INDEX checkpoints_parent ON checkpoints (thread_id, ns, parent_id) WHERE linear = 0;
	`,
];

/** The schema version this code writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The schema version recorded in the file (0 for a new or foreign file). Reads only. */
export function schemaVersion(db: Database.Database): number {
	return db.pragma("user_version", { simple: true }) as number;
}

/**
 * Brings the file to `SCHEMA_VERSION` in one write transaction. The version is read again under the
 * write lock, so two processes opening a new file at once migrate it once. Returns the version found.
 */
export function migrate(db: Database.Database): number {
	const run = db.transaction((): number => {
		const found = schemaVersion(db);
		for (let v = found; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
		if (found < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
		return found;
	});
	return run.immediate();
}
