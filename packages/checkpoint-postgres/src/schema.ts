/**
 * Versioned migrations; `schema_version` holds how many were applied. `$S` is replaced by the quoted
 * schema. Each runs in one transaction with its version update (setup.ts). Never edit one that shipped:
 * append a new one.
 */
export const MIGRATIONS: readonly string[] = [
	// 1: checkpoints, pending writes, threads.
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
	// 2: store order and leases. Each checkpoint gets its thread's next `seq` in the commit (counted on the
	// thread row, which the commit locks); existing checkpoints are numbered in id order, the order they
	// were read in before. The thread row holds the lease (token, owner, expiry by the server's clock);
	// a pending write records its kind, so prune finds pending interrupts without decoding blobs.
	`
	INSERT INTO $S.threads (thread_id, status, created_at, updated_at)
		SELECT thread_id, 'running', min(created_at), max(created_at) FROM $S.checkpoints GROUP BY thread_id
		ON CONFLICT (thread_id) DO NOTHING;
	ALTER TABLE $S.checkpoints ADD COLUMN seq BIGINT;
	UPDATE $S.checkpoints c SET seq = o.n
		FROM (SELECT thread_id, ns, checkpoint_id,
		             row_number() OVER (PARTITION BY thread_id ORDER BY checkpoint_id, ns) AS n
		      FROM $S.checkpoints) o
		WHERE c.thread_id = o.thread_id AND c.ns = o.ns AND c.checkpoint_id = o.checkpoint_id;
	ALTER TABLE $S.checkpoints ALTER COLUMN seq SET NOT NULL;
	CREATE UNIQUE INDEX checkpoints_seq ON $S.checkpoints (thread_id, seq);
	CREATE INDEX checkpoints_ns_seq ON $S.checkpoints (thread_id, ns, seq);
	ALTER TABLE $S.threads
		ADD COLUMN last_seq      BIGINT NOT NULL DEFAULT 0,
		ADD COLUMN lease_token   BIGINT NOT NULL DEFAULT 0,
		ADD COLUMN lease_owner   TEXT,
		ADD COLUMN lease_expires TIMESTAMPTZ;
	UPDATE $S.threads t SET last_seq = m.seq
		FROM (SELECT thread_id, max(seq) AS seq FROM $S.checkpoints GROUP BY thread_id) m
		WHERE t.thread_id = m.thread_id;
	ALTER TABLE $S.writes ADD COLUMN kind TEXT;
	`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
