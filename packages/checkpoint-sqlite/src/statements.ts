import type Database from "better-sqlite3";
import { MAX_TIME } from "./thread-info.ts";

/**
 * The columns of a checkpoint summary, all stored before the `data` blob. Queries that select only these
 * never read a blob's overflow pages (see schema.ts).
 */
export const SUMMARY_COLUMNS =
	"checkpoint_id, parent_id, seq, step, source, created_at, metadata, size";

const KEY = "thread_id = @thread AND ns = @ns";
/** The highest token a deleted thread handed out: tokens are taken above it (decision 0040). */
const LEASE_FLOOR = "(SELECT token FROM lease_floor)";
/** A thread row's lease has lapsed at @now; an expiry that is no time reads as lapsed (`leaseExpiry`). */
const LAPSED = `(t.lease_expires_at IS NULL OR typeof(t.lease_expires_at) NOT IN ('integer', 'real')
	OR abs(t.lease_expires_at) > ${MAX_TIME} OR t.lease_expires_at <= @now)`;
/**
 * The checkpoint `c` has no child. A child put on its thread's only head (`linear`, schema migration 6) is
 * the next row by seq in `c`'s namespace; every other child is in the parent index, which holds the rows
 * with `linear = 0` only.
 */
const NO_CHILD = `NOT EXISTS (SELECT 1 FROM checkpoints k
		WHERE k.thread_id = c.thread_id AND k.ns = c.ns AND k.parent_id = c.checkpoint_id AND k.linear = 0)
	AND (SELECT n.parent_id FROM checkpoints n WHERE n.thread_id = c.thread_id AND n.ns = c.ns AND n.seq > c.seq
		ORDER BY n.seq LIMIT 1) IS NOT c.checkpoint_id`;

/** The count of a thread's root checkpoints (a scan of the thread's root rows in the seq index). */
const ROOT_COUNT = (thread: string) =>
	`SELECT count(*) FROM checkpoints n WHERE n.thread_id = ${thread} AND n.ns = ''`;
/** A thread's root heads as a JSON array of ids, newest first (an anti-join over every root row). */
const ROOT_HEADS = (thread: string) =>
	`SELECT json_group_array(c.checkpoint_id ORDER BY c.seq DESC) FROM checkpoints c WHERE c.thread_id = ${thread} AND c.ns = '' AND ${NO_CHILD}`;

/**
 * Whether a thread row's cached root heads read as a JSON array. A damaged cache (not JSON, no array) is
 * treated as unknown: computed again from the checkpoints, never a JSON error for the whole listing.
 */
const HEADS_READ = (column: string) =>
	`(json_valid(${column}) AND json_type(${column}) = 'array')`;

/** The SQL of every fixed statement, prepared once per connection. */
export const SQL = {
	exists: `SELECT 1 FROM checkpoints WHERE ${KEY} AND checkpoint_id = @id`,
	/** A put's parent: has it a child (for `exclusive`); no row when it does not exist. */
	parentState: `SELECT NOT (${NO_CHILD}) AS taken FROM checkpoints c WHERE ${KEY} AND checkpoint_id = @id`,
	hasAny: `SELECT 1 FROM checkpoints WHERE ${KEY} LIMIT 1`,
	insert: `INSERT INTO checkpoints (thread_id, ns, checkpoint_id, parent_id, seq, step, source, created_at, metadata, size, has_snapshot, data, linear)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	/**
	 * The thread's next seq, taken in the put transaction (the thread row is written by every put anyway),
	 * with the lease the fence is checked against. A root put (@ns '') also counts itself and becomes a
	 * head in place of its parent (a fork from an older checkpoint removes nothing: its parent was no head).
	 * A linear run's parent is the only head: that case is a string comparison, without parsing the array
	 * (the general case's subquery costs ≈ 25 µs a put, as much as the page writes of a small commit).
	 * Unknown (NULL) columns stay unknown: `root_unknown` tells the put to fill them (`fillRoot`).
	 * `parent_was_head`: the new checkpoint is now the only head of a thread that had one before, so its
	 * parent was that head: it exists and had no child, and the put needs no `parentState` (decision 0189;
	 * as Postgres's put does since decision 0186). A put that is then refused rolls all of it back.
	 */
	bumpSeq: `UPDATE threads SET last_seq = last_seq + 1,
			root_count = CASE WHEN @ns = '' THEN root_count + 1 ELSE root_count END,
			root_heads = CASE WHEN @ns = '' AND root_heads = json_array(@parent) THEN json_array(@id)
				WHEN @ns = '' AND ${HEADS_READ("root_heads")} THEN (
				SELECT json_group_array(value ORDER BY k) FROM (
					SELECT @id AS value, -1 AS k
					UNION ALL SELECT value, key FROM json_each(root_heads) WHERE value IS NOT @parent))
				WHEN @ns = '' THEN NULL
				ELSE root_heads END
		WHERE thread_id = @thread
		RETURNING last_seq, lease_token, lease_owner, lease_expires_at, updated_at,
			(root_count IS NULL OR root_heads IS NULL) AS root_unknown,
			(@ns = '' AND root_heads = json_array(@id) AND root_count > 1) AS parent_was_head`,
	/**
	 * The thread row's `updated_at`, written by its own statement and only when it changes: an UPDATE that
	 * sets an indexed column rewrites its index entry even to the same value, and consecutive steps mostly
	 * fall in one millisecond (the `threads_updated` page is then not written; decision 0194). The put runs
	 * it only when `bumpSeq` returned another time.
	 */
	touch:
		"UPDATE threads SET updated_at = @now WHERE thread_id = @thread AND updated_at IS NOT @now",
	/**
	 * Computes a thread's root count and heads from its checkpoints: once per thread whose columns are
	 * unknown (its first root put after the migration or after a row made without them), and after a prune.
	 */
	fillRoot: `UPDATE threads SET root_count = (${ROOT_COUNT("@thread")}), root_heads = (${ROOT_HEADS("@thread")})
		WHERE thread_id = @thread`,
	/** The root heads a thread row keeps (NULL: not known; no row: undefined). */
	rootHeadsOf: `SELECT CASE WHEN ${HEADS_READ("root_heads")} THEN root_heads END FROM threads WHERE thread_id = ?`,
	/**
	 * Summaries of the root checkpoints named in the JSON array @ids (newest first), one id lookup each:
	 * CROSS JOIN keeps the ids outside, so the planner never walks the thread's seq index instead.
	 */
	headsByIds: `SELECT ${SUMMARY_COLUMNS.split(", ")
		.map((c) => `c.${c}`)
		.join(", ")} FROM json_each(@ids) h CROSS JOIN checkpoints c
		WHERE c.thread_id = @thread AND c.ns = '' AND c.checkpoint_id = h.value ORDER BY h.key`,
	/** A put on a thread without a row: starts after any seq already stored (rows from a damaged file). */
	insertThread: `INSERT INTO threads (thread_id, status, created_at, updated_at, last_seq)
		VALUES (@thread, @status, @now, @now, coalesce((SELECT max(seq) FROM checkpoints WHERE thread_id = @thread), 0) + @bump)
		RETURNING last_seq`,
	setStatus: `INSERT INTO threads (thread_id, status, created_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (thread_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
	/** The lease columns of a thread (fence checks, lease changes). */
	lease:
		"SELECT lease_token, lease_owner, lease_expires_at FROM threads WHERE thread_id = ?",
	/** acquireLease on a thread without a row: the first token above every deleted thread's (1 in a new file). */
	insertLeased: `INSERT INTO threads (thread_id, status, created_at, updated_at, last_seq, lease_token, lease_owner, lease_expires_at)
		VALUES (@thread, 'running', @now, @now, coalesce((SELECT max(seq) FROM checkpoints WHERE thread_id = @thread), 0), ${LEASE_FLOOR} + 1, @owner, @expires)
		RETURNING lease_token`,
	/** The next token: above the thread's last and above every deleted thread's. */
	takeLease: `UPDATE threads SET lease_token = max(lease_token, ${LEASE_FLOOR}) + 1, lease_owner = @owner, lease_expires_at = @expires
		WHERE thread_id = @thread RETURNING lease_token`,
	renewLease: `UPDATE threads SET lease_expires_at = @expires
		WHERE thread_id = @thread AND lease_owner IS NOT NULL AND lease_token = @token`,
	releaseLease: `UPDATE threads SET lease_owner = NULL, lease_expires_at = NULL,
		status = coalesce(@status, status), updated_at = CASE WHEN @status IS NULL THEN updated_at ELSE @now END
		WHERE thread_id = @thread AND lease_owner IS NOT NULL AND lease_token = @token`,
	tuple: `SELECT ${SUMMARY_COLUMNS}, has_snapshot, data, NOT (${NO_CHILD}) AS has_children
		FROM checkpoints c WHERE ${KEY} AND checkpoint_id = @id`,
	latestId: `SELECT checkpoint_id FROM checkpoints WHERE ${KEY} ORDER BY seq DESC LIMIT 1`,
	seqOf: `SELECT seq FROM checkpoints WHERE ${KEY} AND checkpoint_id = @id`,
	row: `SELECT ${SUMMARY_COLUMNS}, has_snapshot, data FROM checkpoints WHERE ${KEY} AND checkpoint_id = @id`,
	/**
	 * An upper bound on a chain's length: the namespace's newest seq + 1 (seqs are distinct), when it is a
	 * count and the thread's last seq given (`last_seq`, never below it) does not contradict it; else that;
	 * when neither can be trusted (a damaged row), the namespace's rows counted. Two index lookups: this runs
	 * before every chain read.
	 */
	chainLimit: `SELECT CASE
			WHEN typeof(m) = 'integer' AND m >= 0
				AND NOT (typeof(t) = 'integer' AND t >= 0 AND t < m) THEN m + 1
			WHEN typeof(m) IS NOT 'integer' AND typeof(t) = 'integer' AND t >= 0 THEN t
			ELSE (SELECT count(*) FROM checkpoints WHERE ${KEY}) END
		FROM (SELECT (SELECT last_seq FROM threads WHERE thread_id = @thread) AS t,
			(SELECT max(seq) FROM checkpoints WHERE ${KEY}) AS m)`,
	/**
	 * The chain up to the nearest snapshot, oldest first: walked on summary columns, blobs read once at the
	 * end. At most @limit + 1 rows: more than @limit means a parent cycle (chain.ts checks).
	 */
	chain: `WITH RECURSIVE chain (rid, parent, snap, depth) AS (
			SELECT rowid, parent_id, has_snapshot, 0 FROM checkpoints WHERE ${KEY} AND checkpoint_id = @id
			UNION ALL
			SELECT c.rowid, c.parent_id, c.has_snapshot, chain.depth + 1
			FROM chain JOIN checkpoints c ON c.thread_id = @thread AND c.ns = @ns AND c.checkpoint_id = chain.parent
			WHERE chain.snap = 0 AND chain.depth < @limit
		)
		SELECT ${SUMMARY_COLUMNS}, has_snapshot, data FROM chain JOIN checkpoints c ON c.rowid = chain.rid ORDER BY chain.depth DESC`,
	nextSeq: `SELECT coalesce(max(seq), -1) + 1 FROM writes WHERE ${KEY} AND checkpoint_id = @id`,
	insertWrite:
		"INSERT INTO writes (thread_id, ns, checkpoint_id, seq, kind, data) VALUES (?, ?, ?, ?, ?, ?)",
	writesOf: `SELECT data FROM writes WHERE ${KEY} AND checkpoint_id = @id ORDER BY seq`,
	dropWritesOf: `DELETE FROM writes WHERE ${KEY} AND checkpoint_id = @id`,
	/**
	 * Heads of a namespace by an anti-join over its rows: for a subgraph namespace (their heads are not kept:
	 * a subgraph's namespace lives as long as one task, and is not what getState lists), and for the root
	 * while its thread row does not know them (`rootHeadsOf` NULL).
	 */
	heads: `SELECT ${SUMMARY_COLUMNS} FROM checkpoints c WHERE ${KEY} AND ${NO_CHILD} ORDER BY seq DESC`,
	namespaces: "SELECT DISTINCT ns FROM checkpoints WHERE thread_id = ?",
	/** What a prune plan needs, without blobs or metadata, oldest first. */
	planRows: `SELECT checkpoint_id, parent_id, has_snapshot, created_at FROM checkpoints WHERE ${KEY} ORDER BY seq`,
	/** Checkpoints with an interrupt among their pending writes (NULL: written before kinds were kept). */
	interrupted: `SELECT DISTINCT checkpoint_id FROM writes WHERE ${KEY} AND (kind = 'interrupt' OR kind IS NULL)`,
	setSnapshot: `UPDATE checkpoints SET data = @data, size = @size, metadata = @metadata, has_snapshot = 1
		WHERE ${KEY} AND checkpoint_id = @id`,
	deleteCheckpoints: `DELETE FROM checkpoints WHERE ${KEY} AND checkpoint_id IN (SELECT value FROM json_each(@ids))`,
	deleteWrites: `DELETE FROM writes WHERE ${KEY} AND checkpoint_id IN (SELECT value FROM json_each(@ids))`,
	deleteThreadCheckpoints: "DELETE FROM checkpoints WHERE thread_id = ?",
	deleteThreadWrites: "DELETE FROM writes WHERE thread_id = ?",
	/** Remembers a thread's last token before it is deleted (see `lease_floor` in schema.ts). */
	raiseLeaseFloor:
		"UPDATE lease_floor SET token = max(token, coalesce((SELECT lease_token FROM threads WHERE thread_id = ?), 0))",
	deleteThread: "DELETE FROM threads WHERE thread_id = ?",
	/**
	 * Threads with their newest root checkpoint, root count and root heads: index lookups (and a row's first
	 * page) per thread; the count and heads are scanned only where the row does not know them yet.
	 */
	threads: threadsSql(
		`WHERE @status IS NULL OR (CASE WHEN t.status = 'running' AND ${LAPSED}
			THEN 'stale' ELSE t.status END) = @status`,
	),
	thread: threadsSql("WHERE t.thread_id = @thread"),
	/** A thread's row alone: status and lease (`getThreadLease`). */
	threadLease:
		"SELECT thread_id, status, lease_token, lease_owner, lease_expires_at FROM threads WHERE thread_id = ?",
} as const;

function threadsSql(where: string): string {
	return `SELECT t.thread_id, t.status, t.created_at, t.updated_at, t.lease_token, t.lease_owner, t.lease_expires_at,
		latest.checkpoint_id, latest.step,
		coalesce(t.root_count, (${ROOT_COUNT("t.thread_id")})) AS checkpoints,
		coalesce(CASE WHEN ${HEADS_READ("t.root_heads")} THEN t.root_heads END, (${ROOT_HEADS("t.thread_id")})) AS heads
		FROM threads t
		LEFT JOIN checkpoints latest ON latest.rowid = (
			SELECT rowid FROM checkpoints l WHERE l.thread_id = t.thread_id AND l.ns = '' ORDER BY l.seq DESC LIMIT 1)
		${where}
		ORDER BY t.updated_at DESC, t.rowid ASC LIMIT @limit`;
}

/**
 * A page of `list`: summaries of a namespace, newest first. `before` adds a keyset bound on seq; `where`
 * holds metadata conditions (metadata-filter.ts). Parameters: thread, ns, [before seq], ...filter, limit.
 */
export function pageSql(before: boolean, where: string): string {
	return `SELECT ${SUMMARY_COLUMNS} FROM checkpoints WHERE thread_id = ? AND ns = ?${before ? " AND seq < ?" : ""}${where}
		ORDER BY seq DESC LIMIT ?`;
}

export type Statements = {
	[K in keyof typeof SQL]: Database.Statement;
};

/** Statements whose single-value reads return the bare value. */
const PLUCKED: ReadonlySet<keyof typeof SQL> = new Set([
	"exists",
	"hasAny",
	"insertThread",
	"takeLease",
	"insertLeased",
	"latestId",
	"seqOf",
	"chainLimit",
	"rootHeadsOf",
	"nextSeq",
	"writesOf",
	"namespaces",
	"interrupted",
] as const);

const KEYS = Object.keys(SQL) as Array<keyof typeof SQL>;

/**
 * A connection's fixed statements, each prepared at its first use: a process that opens a file to answer
 * one thread runs a dozen of the ≈ 45 (preparing all of them took ≈ 1.2 ms of a new process; decision 0195).
 * The getters live on the prototype, so every connection's object has one shape.
 */
class PreparedOnUse {
	readonly db: Database.Database;
	readonly prepared: Array<Database.Statement | undefined> = KEYS.map(
		() => undefined,
	);
	constructor(db: Database.Database) {
		this.db = db;
	}
}
for (let i = 0; i < KEYS.length; i++) {
	const key = KEYS[i]!;
	Object.defineProperty(PreparedOnUse.prototype, key, {
		get(this: PreparedOnUse): Database.Statement {
			let statement = this.prepared[i];
			if (statement === undefined) {
				statement = this.db.prepare(SQL[key]);
				if (PLUCKED.has(key)) statement.pluck();
				this.prepared[i] = statement;
			}
			return statement;
		},
	});
}

/** The fixed statements of a connection, prepared as they are first used; single-value reads return the bare value. */
export function prepareStatements(db: Database.Database): Statements {
	return new PreparedOnUse(db) as unknown as Statements;
}
