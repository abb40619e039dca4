import { createHash } from "node:crypto";
/** The summary columns of a checkpoint, in `SummaryRow` order (rows.ts). */
export const SUMMARY =
	"thread_id, ns, checkpoint_id, parent_id, step, source, created_at, metadata, size, seq";

const KEY = "thread_id = $1 AND ns = $2";
/** No checkpoint of the namespace has `c` as its parent. */
const IS_HEAD = (s: string) =>
	`NOT EXISTS (SELECT 1 FROM ${s}.checkpoints k WHERE k.thread_id = c.thread_id AND k.ns = c.ns AND k.parent_id = c.checkpoint_id)`;
/** A thread's status as read: "stale" for one recorded as running whose lease expired or is absent. */
/** A thread row's lease has lapsed (or is none); an expiry that is no time ('infinity') reads as lapsed. */
const LAPSED =
	"(t.lease_owner IS NULL OR t.lease_expires IS NULL OR NOT isfinite(t.lease_expires) OR t.lease_expires <= now())";
const STATUS = `CASE WHEN t.status = 'running' AND ${LAPSED} THEN 'stale' ELSE t.status END`;
const LEASE = "lease_token, lease_owner, lease_expires";
/**
 * The commit counter of a thread row made where checkpoints of the thread are kept (its row was lost):
 * their highest `seq`, so the next commit's does not collide with one (an index lookup, made per run).
 */
const LAST_SEQ = (s: string) =>
	`(SELECT coalesce(max(seq), 0) FROM ${s}.checkpoints WHERE thread_id = $1)`;

/**
 * An upper bound on a chain's length in namespace $2 of thread $1: the thread's commits, or without a
 * thread row, the namespace's checkpoints (as SQLite's `chainLimit`). Evaluated once per walk.
 */
const CHAIN_LIMIT = (s: string) =>
	`coalesce((SELECT last_seq FROM ${s}.threads WHERE thread_id = $1), (SELECT count(*) FROM ${s}.checkpoints WHERE ${KEY}))`;

/** The count of a thread's root checkpoints. */
const ROOT_COUNT = (s: string, thread: string) =>
	`SELECT count(*) FROM ${s}.checkpoints n WHERE n.thread_id = ${thread} AND n.ns = ''`;
/** A thread's root heads, newest first (an anti-join over every root row). */
const ROOT_HEADS = (s: string, thread: string) =>
	`ARRAY(SELECT c.checkpoint_id FROM ${s}.checkpoints c WHERE c.thread_id = ${thread} AND c.ns = '' AND ${IS_HEAD(s)} ORDER BY c.seq DESC)`;

/** The SQL of every statement, for the quoted schema `s`. Parameters are numbered as each comment says. */
export function statements(s: string) {
	return {
		/**
		 * A whole put in one round trip (migration 3): $1 thread, $2 ns, $3 id, $4 parent, $5 step, $6 source,
		 * $7 created, $8 metadata, $9 size, $10 snapshot, $11 data, $12 fence, $13 exclusive, $14 drop writes.
		 */
		putCheckpoint: `SELECT ${s}.put_checkpoint($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) AS seq`,
		/** Locks the thread row ($1 thread) for a write that checks the fence. */
		lockThread: `SELECT ${LEASE} FROM ${s}.threads WHERE thread_id = $1 FOR UPDATE`,
		exists: `SELECT 1 FROM ${s}.checkpoints WHERE ${KEY} AND checkpoint_id = $3`,
		/** The row a put wrote, found again by a retried put: $1 thread, $2 ns, $3 id. */
		own: `SELECT parent_id, seq, size FROM ${s}.checkpoints WHERE ${KEY} AND checkpoint_id = $3`,
		/** Appends writes in order: $1 thread, $2 ns, $3 id, $4 blobs, $5 kinds. */
		appendWrites: `INSERT INTO ${s}.writes (thread_id, ns, checkpoint_id, seq, data, kind)
			SELECT $1, $2, $3, n.next + u.i - 1, u.data, u.kind
			FROM (SELECT coalesce(max(seq), -1) + 1 AS next FROM ${s}.writes WHERE ${KEY} AND checkpoint_id = $3) n,
			     unnest($4::bytea[], $5::text[]) WITH ORDINALITY AS u(data, kind, i)`,
		/** The last $4 writes of a checkpoint, newest first. */
		lastWrites: `SELECT data FROM ${s}.writes WHERE ${KEY} AND checkpoint_id = $3 ORDER BY seq DESC LIMIT $4`,
		/** A checkpoint ($3) with its pending writes and whether it has children, in one statement. */
		tuple: tupleSql(s, "AND c.checkpoint_id = $3"),
		/** The newest checkpoint of a namespace. */
		latestTuple: tupleSql(s, "ORDER BY c.seq DESC LIMIT 1"),
		/**
		 * The ids of a chain from $3 back to the nearest snapshot, newest first, on summary columns. Bounded:
		 * a parent already on the path is not followed, and the walk stops after as many steps as the thread
		 * has had commits (its row's `last_seq`, one index lookup; every seq of the thread is at most it), or
		 * without a thread row (a damaged schema) the namespace's size, so a state read never counts the thread.
		 */
		chainIds: `WITH RECURSIVE chain (id, parent, snap, depth, path) AS (
				SELECT checkpoint_id, parent_id, has_snapshot, 1, ARRAY[checkpoint_id] FROM ${s}.checkpoints WHERE ${KEY} AND checkpoint_id = $3
				UNION ALL
				SELECT c.checkpoint_id, c.parent_id, c.has_snapshot, chain.depth + 1, chain.path || c.checkpoint_id
				FROM chain JOIN ${s}.checkpoints c ON c.thread_id = $1 AND c.ns = $2 AND c.checkpoint_id = chain.parent
				WHERE NOT chain.snap AND c.checkpoint_id <> ALL (chain.path)
				  AND chain.depth < ${CHAIN_LIMIT(s)}
			) SELECT id, parent, snap FROM chain ORDER BY depth`,
		/** Full rows of the ids in $3. */
		rowsByIds: `SELECT ${SUMMARY}, has_snapshot, data FROM ${s}.checkpoints WHERE ${KEY} AND checkpoint_id = ANY ($3::text[])`,
		/** rowsByIds with each checkpoint's pending writes, in order (getChain's `withWrites`). */
		rowsWithWritesByIds: `SELECT ${prefixed("c")}, c.has_snapshot, c.data, ${WRITES_OF_C(s)} AS writes
		FROM ${s}.checkpoints c WHERE c.thread_id = $1 AND c.ns = $2 AND c.checkpoint_id = ANY ($3::text[])`,
		seqOf: `SELECT seq FROM ${s}.checkpoints WHERE ${KEY} AND checkpoint_id = $3`,
		/**
		 * Heads of a namespace by an anti-join over its rows: for a subgraph namespace (their heads are not
		 * kept: a subgraph's namespace lives as long as one task, and is not what getState lists).
		 */
		heads: `SELECT ${SUMMARY} FROM ${s}.checkpoints c WHERE ${KEY} AND ${IS_HEAD(s)} ORDER BY seq DESC`,
		/**
		 * The root's heads ($1 thread), newest first: the ones its thread row keeps (decision 0139), or while
		 * the row does not know them (NULL), by the anti-join (a one-time filter: not run when known).
		 */
		rootHeads: `WITH h AS (SELECT root_heads FROM ${s}.threads WHERE thread_id = $1)
			SELECT ${SUMMARY} FROM ${s}.checkpoints WHERE thread_id = $1 AND ns = '' AND checkpoint_id = ANY ((SELECT root_heads FROM h)::text[])
			UNION ALL
			SELECT ${SUMMARY} FROM ${s}.checkpoints c WHERE thread_id = $1 AND ns = '' AND ${IS_HEAD(s)}
				AND NOT EXISTS (SELECT 1 FROM h WHERE root_heads IS NOT NULL)
			ORDER BY seq DESC`,
		/** Computes a thread's root count and heads from its checkpoints ($1 thread): after a prune. */
		fillRoot: `UPDATE ${s}.threads SET root_count = (${ROOT_COUNT(s, "$1")}), root_heads = ${ROOT_HEADS(s, "$1")}
			WHERE thread_id = $1`,
		/**
		 * Threads (or the one in $3), with status as read, newest root checkpoint, root count and root heads
		 * (from the row; scanned only where it does not know them yet).
		 */
		threads: `WITH t AS (
				SELECT thread_id, created_at, updated_at, ${STATUS} AS status, ${LEASE}, root_count, root_heads
				FROM ${s}.threads t
				WHERE ($1::text IS NULL OR ${STATUS} = $1) AND ($3::text IS NULL OR thread_id = $3)
				ORDER BY updated_at DESC, thread_id LIMIT $2
			)
			SELECT t.thread_id, t.created_at, t.updated_at, t.status, ${LEASE}, last.checkpoint_id, last.step,
				coalesce(t.root_count, (${ROOT_COUNT(s, "t.thread_id")}))::int AS checkpoints,
				coalesce(t.root_heads, ${ROOT_HEADS(s, "t.thread_id")}) AS heads
			FROM t LEFT JOIN LATERAL (
				SELECT checkpoint_id, step FROM ${s}.checkpoints c WHERE c.thread_id = t.thread_id AND c.ns = '' ORDER BY c.seq DESC LIMIT 1
			) last ON true
			ORDER BY t.updated_at DESC, t.thread_id`,
		setStatus: `INSERT INTO ${s}.threads (thread_id, status, created_at, updated_at, last_seq) VALUES ($1, $2, $3, $3, ${LAST_SEQ(s)})
			ON CONFLICT (thread_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
		/**
		 * Takes the lease ($1 thread, $2 owner, $3 ttl ms, $4 time) unless an unexpired one holds it, creating
		 * the thread row (status running) when missing: one statement, which commits by itself. The token is
		 * above the thread's last and above every deleted thread's (decision 0040).
		 */
		acquireLease: `INSERT INTO ${s}.threads AS t (thread_id, status, created_at, updated_at, lease_token, lease_owner, lease_expires, last_seq)
			VALUES ($1, 'running', $4, $4, (SELECT token FROM ${s}.lease_floor) + 1, $2, now() + $3 * interval '1 millisecond', ${LAST_SEQ(s)})
			ON CONFLICT (thread_id) DO UPDATE SET lease_owner = excluded.lease_owner,
				lease_token = greatest(t.lease_token, (SELECT token FROM ${s}.lease_floor)) + 1,
				lease_expires = excluded.lease_expires
			WHERE ${LAPSED}
			RETURNING ${LEASE}`,
		/**
		 * Records status $2 at time $3 while the lease $4 is the thread's current one ($1 thread), unless the
		 * thread already has that status (then it writes nothing, and its commit waits for no disk flush).
		 * Returns the row as the statement found it (lease and status) and whether it was updated.
		 */
		setStatusFenced: `WITH cur AS (SELECT ${LEASE}, status FROM ${s}.threads WHERE thread_id = $1),
			moved AS (UPDATE ${s}.threads SET status = $2, updated_at = $3
				WHERE thread_id = $1 AND lease_token = $4 AND lease_owner IS NOT NULL AND status IS DISTINCT FROM $2
				RETURNING 1)
			SELECT cur.*, (SELECT count(*) FROM moved)::int AS moved FROM cur`,
		leaseOf: `SELECT ${LEASE} FROM ${s}.threads WHERE thread_id = $1`,
		/** A thread's row alone ($1 thread): status as read and lease (`getThreadLease`). */
		threadLease: `SELECT ${STATUS} AS status, ${LEASE} FROM ${s}.threads t WHERE thread_id = $1`,
		/** Renews a current lease ($1 thread, $2 token, $3 ttl ms). */
		renewLease: `UPDATE ${s}.threads SET lease_expires = now() + $3 * interval '1 millisecond'
			WHERE thread_id = $1 AND lease_token = $2 AND lease_owner IS NOT NULL
			RETURNING ${LEASE}`,
		/** Releases a current lease ($1 thread, $2 token), recording status $3 (if not null) at time $4. */
		releaseLease: `UPDATE ${s}.threads SET lease_owner = NULL, lease_expires = NULL,
				status = coalesce($3, status), updated_at = CASE WHEN $3::text IS NULL THEN updated_at ELSE $4 END
			WHERE thread_id = $1 AND lease_token = $2 AND lease_owner IS NOT NULL`,
		deleteThread: [
			`UPDATE ${s}.lease_floor SET token = greatest(token,
				(SELECT lease_token FROM ${s}.threads WHERE thread_id = $1))`,
			`DELETE FROM ${s}.writes WHERE thread_id = $1`,
			`DELETE FROM ${s}.checkpoints WHERE thread_id = $1`,
			`DELETE FROM ${s}.threads WHERE thread_id = $1`,
		],
		namespaces: `SELECT DISTINCT ns FROM ${s}.checkpoints WHERE thread_id = $1`,
		/** What a prune plan needs, oldest first, without blobs: $1 thread, $2 ns. */
		planRows: `SELECT c.checkpoint_id, c.parent_id, c.has_snapshot, c.created_at, ${IS_HEAD(s)} AS head,
				EXISTS (SELECT 1 FROM ${s}.writes w WHERE w.thread_id = c.thread_id AND w.ns = c.ns AND w.checkpoint_id = c.checkpoint_id AND w.kind = 'interrupt') AS paused
			FROM ${s}.checkpoints c WHERE ${KEY} ORDER BY c.seq`,
		/** Pending writes recorded before their kind was (schema 1): prune decodes them. */
		untypedWrites: `SELECT checkpoint_id, data FROM ${s}.writes WHERE ${KEY} AND kind IS NULL`,
		setSnapshot: `UPDATE ${s}.checkpoints SET data = $4, size = $5, has_snapshot = true, metadata = metadata || '{"snapshot": true}'::jsonb
			WHERE ${KEY} AND checkpoint_id = $3`,
		/**
		 * A page of `list`, newest first: $1 thread, $2 ns, $3 seq bound (exclusive), $4 limit, and for
		 * `pageFiltered` $5 a JSONB the metadata contains (never stricter than `matchesFilter`, which checks
		 * every row).
		 */
		page: pageSql(s, ""),
		// damaged metadata (not an object with a boolean snapshot flag) is read too, to be reported
		pageFiltered: pageSql(
			s,
			" AND (metadata @> $5::jsonb OR jsonb_typeof(metadata) <> 'object' OR jsonb_typeof(metadata -> 'snapshot') IS DISTINCT FROM 'boolean')",
		),
		pruneRows: [
			`DELETE FROM ${s}.writes WHERE ${KEY} AND checkpoint_id = ANY ($3::text[])`,
			`DELETE FROM ${s}.checkpoints WHERE ${KEY} AND checkpoint_id = ANY ($3::text[])`,
		],
	} as const;
}

export type Statements = ReturnType<typeof statements>;

/**
 * The statements a run sends at every step or resume, and its lease's (taken, renewed, released, with the
 * status recorded under it: decision 0191), each run as a named statement (parsed and planned once per
 * connection, decision 0063). None has an optional parameter (`$n IS NULL OR …`), for which a generic plan
 * could not use an index.
 */
const NAMED = [
	"putCheckpoint",
	"appendWrites",
	"tuple",
	"latestTuple",
	"chainIds",
	"rowsByIds",
	"rowsWithWritesByIds",
	"threadLease",
	"rootHeads",
	"acquireLease",
	"setStatusFenced",
	"releaseLease",
	"renewLease",
	"leaseOf",
] as const satisfies ReadonlyArray<keyof Statements>;

/** The longest name Postgres keeps whole (NAMEDATALEN − 1); a longer one is cut, so names could clash. */
const MAX_NAME = 63;
const LONGEST_KEY = Math.max(...NAMED.map((k) => k.length));

/**
 * Text → statement name for the `NAMED` statements of `st` (schema `schema`): `weft_<schema>_<key>`, or
 * for a schema name too long for that to fit in 63 characters, a digest of it in its place (cut, the
 * names of one schema's statements clashed: "prepared statement … already exists").
 */
export function statementNames(
	st: Statements,
	schema: string,
): Map<string, string> {
	const fits = `weft_${schema}_`.length + LONGEST_KEY <= MAX_NAME;
	const tag = fits
		? schema
		: createHash("sha256").update(schema).digest("hex").slice(0, 16);
	return new Map(NAMED.map((key) => [st[key], `weft_${tag}_${key}`]));
}

/** The summary columns of the table aliased `alias`. */
const prefixed = (alias: string) =>
	SUMMARY.split(", ")
		.map((c) => `${alias}.${c}`)
		.join(", ");

/** The pending writes' blobs of the checkpoint aliased `c`, in order. */
const WRITES_OF_C = (s: string) =>
	`ARRAY(SELECT w.data FROM ${s}.writes w WHERE w.thread_id = c.thread_id AND w.ns = c.ns AND w.checkpoint_id = c.checkpoint_id ORDER BY w.seq)`;

function tupleSql(s: string, where: string): string {
	return `SELECT ${prefixed("c")}, c.has_snapshot, c.data, NOT ${IS_HEAD(s)} AS has_children,
		${WRITES_OF_C(s)} AS writes
		FROM ${s}.checkpoints c WHERE c.thread_id = $1 AND c.ns = $2 ${where}`;
}

function pageSql(s: string, filter: string): string {
	return `SELECT ${SUMMARY} FROM ${s}.checkpoints WHERE ${KEY} AND seq < $3${filter} ORDER BY seq DESC LIMIT $4`;
}
