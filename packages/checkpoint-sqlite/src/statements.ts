import type Database from "better-sqlite3";

/**
 * The columns of a checkpoint summary, all stored before the `data` blob. Queries that select only these
 * never read a blob's overflow pages (see schema.ts).
 */
export const SUMMARY_COLUMNS =
	"checkpoint_id, parent_id, step, source, created_at, metadata, size";

const KEY = "thread_id = @thread AND ns = @ns";

/** The SQL of every fixed statement, prepared once per connection. */
export const SQL = {
	exists: `SELECT 1 FROM checkpoints WHERE ${KEY} AND checkpoint_id = @id`,
	hasChild: `SELECT 1 FROM checkpoints WHERE ${KEY} AND parent_id = @id LIMIT 1`,
	hasAny: `SELECT 1 FROM checkpoints WHERE ${KEY} LIMIT 1`,
	insert: `INSERT INTO checkpoints (thread_id, ns, checkpoint_id, parent_id, step, source, created_at, metadata, size, has_snapshot, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	touchThread: `INSERT INTO threads (thread_id, status, created_at, updated_at) VALUES (?, 'running', ?, ?)
		ON CONFLICT (thread_id) DO UPDATE SET updated_at = excluded.updated_at`,
	setStatus: `INSERT INTO threads (thread_id, status, created_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (thread_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
	tuple: `SELECT ${SUMMARY_COLUMNS}, data,
		EXISTS (SELECT 1 FROM checkpoints k WHERE k.thread_id = @thread AND k.ns = @ns AND k.parent_id = c.checkpoint_id) AS has_children
		FROM checkpoints c WHERE ${KEY} AND checkpoint_id = @id`,
	latestTuple: `SELECT ${SUMMARY_COLUMNS}, data,
		EXISTS (SELECT 1 FROM checkpoints k WHERE k.thread_id = @thread AND k.ns = @ns AND k.parent_id = c.checkpoint_id) AS has_children
		FROM checkpoints c WHERE ${KEY} ORDER BY checkpoint_id DESC LIMIT 1`,
	row: `SELECT ${SUMMARY_COLUMNS}, has_snapshot, data FROM checkpoints WHERE ${KEY} AND checkpoint_id = @id`,
	/** The chain up to the nearest snapshot, oldest first: walked on summary columns, blobs read once at the end. */
	chain: `WITH RECURSIVE chain (rid, parent, snap, depth) AS (
			SELECT rowid, parent_id, has_snapshot, 0 FROM checkpoints WHERE ${KEY} AND checkpoint_id = @id
			UNION ALL
			SELECT c.rowid, c.parent_id, c.has_snapshot, chain.depth + 1
			FROM chain JOIN checkpoints c ON c.thread_id = @thread AND c.ns = @ns AND c.checkpoint_id = chain.parent
			WHERE chain.snap = 0
		)
		SELECT ${SUMMARY_COLUMNS}, has_snapshot, data FROM chain JOIN checkpoints c ON c.rowid = chain.rid ORDER BY chain.depth DESC`,
	nextSeq: `SELECT coalesce(max(seq), -1) + 1 FROM writes WHERE ${KEY} AND checkpoint_id = @id`,
	insertWrite:
		"INSERT INTO writes (thread_id, ns, checkpoint_id, seq, data) VALUES (?, ?, ?, ?, ?)",
	writesOf: `SELECT data FROM writes WHERE ${KEY} AND checkpoint_id = @id ORDER BY seq`,
	dropWritesOf: `DELETE FROM writes WHERE ${KEY} AND checkpoint_id = @id`,
	namespaces: "SELECT DISTINCT ns FROM checkpoints WHERE thread_id = ?",
	/** What a prune plan needs, without blobs or metadata. */
	planRows: `SELECT checkpoint_id, parent_id, has_snapshot, created_at FROM checkpoints WHERE ${KEY} ORDER BY checkpoint_id`,
	setSnapshot: `UPDATE checkpoints SET data = @data, size = @size, metadata = @metadata, has_snapshot = 1
		WHERE ${KEY} AND checkpoint_id = @id`,
	deleteCheckpoints: `DELETE FROM checkpoints WHERE ${KEY} AND checkpoint_id IN (SELECT value FROM json_each(@ids))`,
	deleteWrites: `DELETE FROM writes WHERE ${KEY} AND checkpoint_id IN (SELECT value FROM json_each(@ids))`,
	deleteThreadCheckpoints: "DELETE FROM checkpoints WHERE thread_id = ?",
	deleteThreadWrites: "DELETE FROM writes WHERE thread_id = ?",
	deleteThread: "DELETE FROM threads WHERE thread_id = ?",
	/** Threads with their newest root checkpoint: one index lookup (and a row's first page) per thread. */
	threads: threadsSql(""),
	threadsByStatus: threadsSql("WHERE t.status = @status"),
} as const;

function threadsSql(where: string): string {
	return `SELECT t.thread_id, t.status, t.created_at, t.updated_at, c.checkpoint_id, c.step,
		(SELECT count(*) FROM checkpoints n WHERE n.thread_id = t.thread_id AND n.ns = '') AS checkpoints
		FROM threads t
		LEFT JOIN checkpoints c ON c.rowid = (
			SELECT rowid FROM checkpoints l WHERE l.thread_id = t.thread_id AND l.ns = '' ORDER BY l.checkpoint_id DESC LIMIT 1)
		${where}
		ORDER BY t.updated_at DESC, t.rowid ASC LIMIT @limit`;
}

/**
 * A page of `list`: summaries of a namespace, newest first. `before` adds a keyset bound; `where` holds
 * metadata conditions (metadata-filter.ts). Parameters: thread, ns, [before], ...filter, limit.
 */
export function pageSql(before: boolean, where: string): string {
	return `SELECT ${SUMMARY_COLUMNS} FROM checkpoints WHERE thread_id = ? AND ns = ?${before ? " AND checkpoint_id < ?" : ""}${where}
		ORDER BY checkpoint_id DESC LIMIT ?`;
}

export type Statements = {
	[K in keyof typeof SQL]: Database.Statement;
};

/** Prepares every fixed statement; single-value reads return the bare value. */
export function prepareStatements(db: Database.Database): Statements {
	const out = {} as Record<keyof typeof SQL, Database.Statement>;
	for (const key of Object.keys(SQL) as Array<keyof typeof SQL>)
		out[key] = db.prepare(SQL[key]);
	for (const key of [
		"exists",
		"hasChild",
		"hasAny",
		"nextSeq",
		"writesOf",
		"namespaces",
	] as const)
		out[key].pluck();
	return out;
}
