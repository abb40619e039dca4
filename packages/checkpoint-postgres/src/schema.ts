/** Versioned migrations; `schema_version` holds how many were applied. `$S` is replaced by the quoted schema. */
export const MIGRATIONS: readonly string[] = [
	`
	CREATE TABLE IF NOT EXISTS $S.checkpoints (
		thread_id     TEXT        NOT NULL,
		ns            TEXT        NOT NULL,
		checkpoint_id TEXT        NOT NULL,
		parent_id     TEXT,
		step          INTEGER     NOT NULL,
		source        TEXT        NOT NULL,
		created_at    TEXT        NOT NULL,
		metadata      JSONB       NOT NULL,
		has_snapshot  BOOLEAN     NOT NULL,
		size          INTEGER     NOT NULL,
		data          BYTEA       NOT NULL,
		PRIMARY KEY (thread_id, ns, checkpoint_id)
	);
	CREATE INDEX IF NOT EXISTS checkpoints_parent ON $S.checkpoints (thread_id, ns, parent_id);
	CREATE TABLE IF NOT EXISTS $S.writes (
		thread_id     TEXT    NOT NULL,
		ns            TEXT    NOT NULL,
		checkpoint_id TEXT    NOT NULL,
		seq           INTEGER NOT NULL,
		data          BYTEA   NOT NULL,
		PRIMARY KEY (thread_id, ns, checkpoint_id, seq)
	);
	CREATE TABLE IF NOT EXISTS $S.threads (
		thread_id  TEXT PRIMARY KEY,
		status     TEXT NOT NULL,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL
	);
	CREATE INDEX IF NOT EXISTS threads_updated ON $S.threads (updated_at);
	`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
