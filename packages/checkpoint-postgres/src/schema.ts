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
	// 3: a checkpoint commit in one round trip. The function does what the five statements of a put did
	// (lock the thread row and count its next seq, check the fence, the parent and exclusive under that
	// lock, insert, drop the parent's writes); each of its statements sees what committed before it, as in
	// a READ COMMITTED transaction. A refusal raises (WF001 fence, WF002 no parent, WF003 conflict), which
	// rolls the whole call back.
	`
	CREATE OR REPLACE FUNCTION $S.put_checkpoint(
		p_thread TEXT, p_ns TEXT, p_id TEXT, p_parent TEXT, p_step INTEGER, p_source TEXT, p_created TEXT,
		p_metadata JSONB, p_size INTEGER, p_snapshot BOOLEAN, p_data BYTEA,
		p_fence BIGINT, p_exclusive BOOLEAN, p_drop BOOLEAN
	) RETURNS BIGINT LANGUAGE plpgsql AS $put$
	DECLARE
		t RECORD;
	BEGIN
		INSERT INTO $S.threads AS th (thread_id, status, created_at, updated_at, last_seq)
			VALUES (p_thread, 'running', p_created, p_created, 1)
			ON CONFLICT (thread_id) DO UPDATE SET updated_at = excluded.updated_at, last_seq = th.last_seq + 1
			RETURNING th.last_seq, th.lease_token, th.lease_owner INTO t;
		IF p_fence IS NOT NULL AND (t.lease_token <> p_fence OR t.lease_owner IS NULL) THEN
			RAISE EXCEPTION USING ERRCODE = 'WF001', MESSAGE = 'lease lost',
				DETAIL = json_build_object('token', t.lease_token, 'owner', t.lease_owner)::text;
		END IF;
		IF p_parent IS NOT NULL THEN
			IF NOT EXISTS (SELECT 1 FROM $S.checkpoints
					WHERE thread_id = p_thread AND ns = p_ns AND checkpoint_id = p_parent) THEN
				RAISE EXCEPTION USING ERRCODE = 'WF002', MESSAGE = 'parent not found';
			END IF;
			IF p_exclusive AND EXISTS (SELECT 1 FROM $S.checkpoints
					WHERE thread_id = p_thread AND ns = p_ns AND parent_id = p_parent) THEN
				RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
			END IF;
		ELSIF p_exclusive AND EXISTS (SELECT 1 FROM $S.checkpoints WHERE thread_id = p_thread AND ns = p_ns) THEN
			RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
		END IF;
		INSERT INTO $S.checkpoints (thread_id, ns, checkpoint_id, parent_id, step, source, created_at, metadata,
				size, seq, has_snapshot, data)
			VALUES (p_thread, p_ns, p_id, p_parent, p_step, p_source, p_created, p_metadata, p_size, t.last_seq,
				p_snapshot, p_data)
			ON CONFLICT DO NOTHING;
		IF NOT FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
		END IF;
		IF p_drop AND p_parent IS NOT NULL THEN
			DELETE FROM $S.writes WHERE thread_id = p_thread AND ns = p_ns AND checkpoint_id = p_parent;
		END IF;
		RETURN t.last_seq;
	END
	$put$;
	`,
	// 4: the highest lease token of any deleted thread (decision 0040). Leases are taken above it, so a run
	// still holding a deleted thread's lease never matches the token of a new thread of the same id. One
	// row, written only by deleteThread (under the thread's row lock, before the row goes).
	`
	CREATE TABLE $S.lease_floor (id BOOLEAN PRIMARY KEY DEFAULT true CHECK (id), token BIGINT NOT NULL);
	INSERT INTO $S.lease_floor VALUES (true, 0);
	`,
	// 5: the root namespace's checkpoint count and heads (ids, newest first) on the thread row, kept by
	// put_checkpoint in the upsert it already makes on that row (decision 0139), so getThread, listThreads
	// and heads of the root read them instead of scanning the thread. NULL means not known: rows from
	// before this version, and rows made by setStatus or acquireLease. Reads then scan, and the thread's
	// next root put (or a prune) fills them in. Adding NULL columns rewrites no row, so the migration is
	// quick on a big schema. put_checkpoint is otherwise as in migration 3.
	`
	ALTER TABLE $S.threads ADD COLUMN root_count BIGINT, ADD COLUMN root_heads TEXT[];
	CREATE OR REPLACE FUNCTION $S.put_checkpoint(
		p_thread TEXT, p_ns TEXT, p_id TEXT, p_parent TEXT, p_step INTEGER, p_source TEXT, p_created TEXT,
		p_metadata JSONB, p_size INTEGER, p_snapshot BOOLEAN, p_data BYTEA,
		p_fence BIGINT, p_exclusive BOOLEAN, p_drop BOOLEAN
	) RETURNS BIGINT LANGUAGE plpgsql AS $put$
	DECLARE
		t RECORD;
	BEGIN
		-- a new row's thread has no checkpoint (its first seq is 1); on an existing row a root put counts
		-- itself and becomes a head in place of its parent (a fork's parent was none), unknown stays unknown
		INSERT INTO $S.threads AS th (thread_id, status, created_at, updated_at, last_seq, root_count, root_heads)
			VALUES (p_thread, 'running', p_created, p_created, 1,
				CASE WHEN p_ns = '' THEN 1 ELSE 0 END,
				CASE WHEN p_ns = '' THEN ARRAY[p_id] ELSE '{}'::text[] END)
			ON CONFLICT (thread_id) DO UPDATE SET updated_at = excluded.updated_at, last_seq = th.last_seq + 1,
				root_count = CASE WHEN p_ns = '' THEN th.root_count + 1 ELSE th.root_count END,
				root_heads = CASE WHEN p_ns = '' AND th.root_heads IS NOT NULL
					THEN p_id || array_remove(th.root_heads, p_parent) ELSE th.root_heads END
			RETURNING th.last_seq, th.lease_token, th.lease_owner, th.root_count IS NULL AS root_unknown INTO t;
		IF p_fence IS NOT NULL AND (t.lease_token <> p_fence OR t.lease_owner IS NULL) THEN
			RAISE EXCEPTION USING ERRCODE = 'WF001', MESSAGE = 'lease lost',
				DETAIL = json_build_object('token', t.lease_token, 'owner', t.lease_owner)::text;
		END IF;
		IF p_parent IS NOT NULL THEN
			IF NOT EXISTS (SELECT 1 FROM $S.checkpoints
					WHERE thread_id = p_thread AND ns = p_ns AND checkpoint_id = p_parent) THEN
				RAISE EXCEPTION USING ERRCODE = 'WF002', MESSAGE = 'parent not found';
			END IF;
			IF p_exclusive AND EXISTS (SELECT 1 FROM $S.checkpoints
					WHERE thread_id = p_thread AND ns = p_ns AND parent_id = p_parent) THEN
				RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
			END IF;
		ELSIF p_exclusive AND EXISTS (SELECT 1 FROM $S.checkpoints WHERE thread_id = p_thread AND ns = p_ns) THEN
			RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
		END IF;
		INSERT INTO $S.checkpoints (thread_id, ns, checkpoint_id, parent_id, step, source, created_at, metadata,
				size, seq, has_snapshot, data)
			VALUES (p_thread, p_ns, p_id, p_parent, p_step, p_source, p_created, p_metadata, p_size, t.last_seq,
				p_snapshot, p_data)
			ON CONFLICT DO NOTHING;
		IF NOT FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
		END IF;
		IF p_drop AND p_parent IS NOT NULL THEN
			DELETE FROM $S.writes WHERE thread_id = p_thread AND ns = p_ns AND checkpoint_id = p_parent;
		END IF;
		-- a row that did not know its root count and heads learns them now, once
		IF p_ns = '' AND t.root_unknown THEN
			UPDATE $S.threads SET root_count = (SELECT count(*) FROM $S.checkpoints
					WHERE thread_id = p_thread AND ns = ''),
				root_heads = ARRAY(SELECT c.checkpoint_id FROM $S.checkpoints c
					WHERE c.thread_id = p_thread AND c.ns = '' AND NOT EXISTS (SELECT 1 FROM $S.checkpoints k
						WHERE k.thread_id = c.thread_id AND k.ns = c.ns AND k.parent_id = c.checkpoint_id)
					ORDER BY c.seq DESC)
				WHERE thread_id = p_thread;
		END IF;
		RETURN t.last_seq;
	END
	$put$;
	`,
	// 6: a root put whose parent is one of the thread's heads (every step of a linear run) skips the two
	// lookups of the parent (does it exist, has it a child): the heads kept on the thread row, locked
	// first, already say both (decision 0186). Until a table has statistics, Postgres may serve those
	// lookups from the (thread_id, ns, seq) index, reading the thread's rows one by one. Otherwise as in
	// migration 5.
	`
	CREATE OR REPLACE FUNCTION $S.put_checkpoint(
		p_thread TEXT, p_ns TEXT, p_id TEXT, p_parent TEXT, p_step INTEGER, p_source TEXT, p_created TEXT,
		p_metadata JSONB, p_size INTEGER, p_snapshot BOOLEAN, p_data BYTEA,
		p_fence BIGINT, p_exclusive BOOLEAN, p_drop BOOLEAN
	) RETURNS BIGINT LANGUAGE plpgsql AS $put$
	DECLARE
		t RECORD;
		parent_is_head BOOLEAN;
	BEGIN
		-- locks the thread row first; a root put whose parent is a head needs no lookup of the parent
		IF p_ns = '' AND p_parent IS NOT NULL THEN
			SELECT p_parent = ANY(root_heads) INTO parent_is_head FROM $S.threads
				WHERE thread_id = p_thread FOR UPDATE;
		END IF;
		-- a new row's thread has no checkpoint (its first seq is 1); on an existing row a root put counts
		-- itself and becomes a head in place of its parent (a fork's parent was none), unknown stays unknown
		INSERT INTO $S.threads AS th (thread_id, status, created_at, updated_at, last_seq, root_count, root_heads)
			VALUES (p_thread, 'running', p_created, p_created, 1,
				CASE WHEN p_ns = '' THEN 1 ELSE 0 END,
				CASE WHEN p_ns = '' THEN ARRAY[p_id] ELSE '{}'::text[] END)
			ON CONFLICT (thread_id) DO UPDATE SET updated_at = excluded.updated_at, last_seq = th.last_seq + 1,
				root_count = CASE WHEN p_ns = '' THEN th.root_count + 1 ELSE th.root_count END,
				root_heads = CASE WHEN p_ns = '' AND th.root_heads IS NOT NULL
					THEN p_id || array_remove(th.root_heads, p_parent) ELSE th.root_heads END
			RETURNING th.last_seq, th.lease_token, th.lease_owner, th.root_count IS NULL AS root_unknown INTO t;
		IF p_fence IS NOT NULL AND (t.lease_token <> p_fence OR t.lease_owner IS NULL) THEN
			RAISE EXCEPTION USING ERRCODE = 'WF001', MESSAGE = 'lease lost',
				DETAIL = json_build_object('token', t.lease_token, 'owner', t.lease_owner)::text;
		END IF;
		IF parent_is_head THEN
			NULL; -- a head exists and has no child yet
		ELSIF p_parent IS NOT NULL THEN
			IF NOT EXISTS (SELECT 1 FROM $S.checkpoints
					WHERE thread_id = p_thread AND ns = p_ns AND checkpoint_id = p_parent) THEN
				RAISE EXCEPTION USING ERRCODE = 'WF002', MESSAGE = 'parent not found';
			END IF;
			IF p_exclusive AND EXISTS (SELECT 1 FROM $S.checkpoints
					WHERE thread_id = p_thread AND ns = p_ns AND parent_id = p_parent) THEN
				RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
			END IF;
		ELSIF p_exclusive AND EXISTS (SELECT 1 FROM $S.checkpoints WHERE thread_id = p_thread AND ns = p_ns) THEN
			RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
		END IF;
		INSERT INTO $S.checkpoints (thread_id, ns, checkpoint_id, parent_id, step, source, created_at, metadata,
				size, seq, has_snapshot, data)
			VALUES (p_thread, p_ns, p_id, p_parent, p_step, p_source, p_created, p_metadata, p_size, t.last_seq,
				p_snapshot, p_data)
			ON CONFLICT DO NOTHING;
		IF NOT FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
		END IF;
		IF p_drop AND p_parent IS NOT NULL THEN
			DELETE FROM $S.writes WHERE thread_id = p_thread AND ns = p_ns AND checkpoint_id = p_parent;
		END IF;
		-- a row that did not know its root count and heads learns them now, once
		IF p_ns = '' AND t.root_unknown THEN
			UPDATE $S.threads SET root_count = (SELECT count(*) FROM $S.checkpoints
					WHERE thread_id = p_thread AND ns = ''),
				root_heads = ARRAY(SELECT c.checkpoint_id FROM $S.checkpoints c
					WHERE c.thread_id = p_thread AND c.ns = '' AND NOT EXISTS (SELECT 1 FROM $S.checkpoints k
						WHERE k.thread_id = c.thread_id AND k.ns = c.ns AND k.parent_id = c.checkpoint_id)
					ORDER BY c.seq DESC)
				WHERE thread_id = p_thread;
		END IF;
		RETURN t.last_seq;
	END
	$put$;
	`,
	// 7: a root put whose parent is one of the thread's heads (every step of a linear run) is one UPDATE of
	// the thread row, guarded by `p_parent = ANY(root_heads)`: it locks the row, counts the seq, moves the
	// head and returns the lease in one statement, where migration 6 ran a `SELECT … FOR UPDATE` and then
	// an upsert (two row locks and two statements; decision 0197). A concurrent put that took the head
	// first makes the guard false when the UPDATE re-reads the row it waited for; then, and for every
	// other put, the upsert and the parent's lookups run as in migration 5.
	`
	CREATE OR REPLACE FUNCTION $S.put_checkpoint(
		p_thread TEXT, p_ns TEXT, p_id TEXT, p_parent TEXT, p_step INTEGER, p_source TEXT, p_created TEXT,
		p_metadata JSONB, p_size INTEGER, p_snapshot BOOLEAN, p_data BYTEA,
		p_fence BIGINT, p_exclusive BOOLEAN, p_drop BOOLEAN
	) RETURNS BIGINT LANGUAGE plpgsql AS $put$
	DECLARE
		t RECORD;
		parent_is_head BOOLEAN := false;
	BEGIN
		-- a head exists and has no child yet: no lookup of the parent
		IF p_ns = '' AND p_parent IS NOT NULL THEN
			UPDATE $S.threads SET updated_at = p_created, last_seq = last_seq + 1, root_count = root_count + 1,
					root_heads = p_id || array_remove(root_heads, p_parent)
				WHERE thread_id = p_thread AND p_parent = ANY(root_heads)
				RETURNING last_seq, lease_token, lease_owner, root_count IS NULL AS root_unknown INTO t;
			parent_is_head := FOUND;
		END IF;
		IF NOT parent_is_head THEN
			-- a new row's thread has no checkpoint (its first seq is 1); on an existing row a root put counts
			-- itself and becomes a head in place of its parent (a fork's parent was none), unknown stays unknown
			INSERT INTO $S.threads AS th (thread_id, status, created_at, updated_at, last_seq, root_count, root_heads)
				VALUES (p_thread, 'running', p_created, p_created, 1,
					CASE WHEN p_ns = '' THEN 1 ELSE 0 END,
					CASE WHEN p_ns = '' THEN ARRAY[p_id] ELSE '{}'::text[] END)
				ON CONFLICT (thread_id) DO UPDATE SET updated_at = excluded.updated_at, last_seq = th.last_seq + 1,
					root_count = CASE WHEN p_ns = '' THEN th.root_count + 1 ELSE th.root_count END,
					root_heads = CASE WHEN p_ns = '' AND th.root_heads IS NOT NULL
						THEN p_id || array_remove(th.root_heads, p_parent) ELSE th.root_heads END
				RETURNING th.last_seq, th.lease_token, th.lease_owner, th.root_count IS NULL AS root_unknown INTO t;
		END IF;
		IF p_fence IS NOT NULL AND (t.lease_token <> p_fence OR t.lease_owner IS NULL) THEN
			RAISE EXCEPTION USING ERRCODE = 'WF001', MESSAGE = 'lease lost',
				DETAIL = json_build_object('token', t.lease_token, 'owner', t.lease_owner)::text;
		END IF;
		IF parent_is_head THEN
			NULL;
		ELSIF p_parent IS NOT NULL THEN
			IF NOT EXISTS (SELECT 1 FROM $S.checkpoints
					WHERE thread_id = p_thread AND ns = p_ns AND checkpoint_id = p_parent) THEN
				RAISE EXCEPTION USING ERRCODE = 'WF002', MESSAGE = 'parent not found';
			END IF;
			IF p_exclusive AND EXISTS (SELECT 1 FROM $S.checkpoints
					WHERE thread_id = p_thread AND ns = p_ns AND parent_id = p_parent) THEN
				RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
			END IF;
		ELSIF p_exclusive AND EXISTS (SELECT 1 FROM $S.checkpoints WHERE thread_id = p_thread AND ns = p_ns) THEN
			RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
		END IF;
		INSERT INTO $S.checkpoints (thread_id, ns, checkpoint_id, parent_id, step, source, created_at, metadata,
				size, seq, has_snapshot, data)
			VALUES (p_thread, p_ns, p_id, p_parent, p_step, p_source, p_created, p_metadata, p_size, t.last_seq,
				p_snapshot, p_data)
			ON CONFLICT DO NOTHING;
		IF NOT FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'WF003', MESSAGE = 'conflict';
		END IF;
		IF p_drop AND p_parent IS NOT NULL THEN
			DELETE FROM $S.writes WHERE thread_id = p_thread AND ns = p_ns AND checkpoint_id = p_parent;
		END IF;
		-- a row that did not know its root count and heads learns them now, once
		IF p_ns = '' AND t.root_unknown THEN
			UPDATE $S.threads SET root_count = (SELECT count(*) FROM $S.checkpoints
					WHERE thread_id = p_thread AND ns = ''),
				root_heads = ARRAY(SELECT c.checkpoint_id FROM $S.checkpoints c
					WHERE c.thread_id = p_thread AND c.ns = '' AND NOT EXISTS (SELECT 1 FROM $S.checkpoints k
						WHERE k.thread_id = c.thread_id AND k.ns = c.ns AND k.parent_id = c.checkpoint_id)
					ORDER BY c.seq DESC)
				WHERE thread_id = p_thread;
		END IF;
		RETURN t.last_seq;
	END
	$put$;
	`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
