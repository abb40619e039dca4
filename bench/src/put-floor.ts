// The floor of Weft's own schema (W1d-s, W1p-s): the statements a checkpoint put runs, replayed bare on the
// rows Weft wrote, without the runtime, the serializer or the checkpointer's checks. The durable step's
// distance to one bare commit (W1d-x, W1p-x) splits into this (the pages and work the schema asks of the
// database per checkpoint) and Weft's own share (the rest).
import Database from "better-sqlite3";
import pg from "pg";
import { gc, now } from "./measure.ts";
import { median } from "./stats.ts";

/**
 * The statements of `SqliteCheckpointer.put` (packages/checkpoint-sqlite/src/statements.ts; the bench's
 * smoke test checks they are the same text): the thread's next seq with its lease, the thread's
 * `updated_at` (written when it changes), the parent's state (unless the parent was the thread's only
 * head), the row (out of the parent index when its parent was that head).
 */
export const SQLITE_PUT = {
	bumpSeq: `UPDATE threads SET last_seq = last_seq + 1,
			root_count = CASE WHEN @ns = '' THEN root_count + 1 ELSE root_count END,
			root_heads = CASE WHEN @ns = '' AND root_heads = json_array(@parent) THEN json_array(@id)
				WHEN @ns = '' AND (json_valid(root_heads) AND json_type(root_heads) = 'array') THEN (
				SELECT json_group_array(value ORDER BY k) FROM (
					SELECT @id AS value, -1 AS k
					UNION ALL SELECT value, key FROM json_each(root_heads) WHERE value IS NOT @parent))
				WHEN @ns = '' THEN NULL
				ELSE root_heads END
		WHERE thread_id = @thread
		RETURNING last_seq, lease_token, lease_owner, lease_expires_at, updated_at,
			(root_count IS NULL OR root_heads IS NULL) AS root_unknown,
			(@ns = '' AND root_heads = json_array(@id) AND root_count > 1) AS parent_was_head`,
	touch:
		"UPDATE threads SET updated_at = @now WHERE thread_id = @thread AND updated_at IS NOT @now",
	parentState: `SELECT NOT (NOT EXISTS (SELECT 1 FROM checkpoints k
		WHERE k.thread_id = c.thread_id AND k.ns = c.ns AND k.parent_id = c.checkpoint_id AND k.linear = 0)
	AND (SELECT n.parent_id FROM checkpoints n WHERE n.thread_id = c.thread_id AND n.ns = c.ns AND n.seq > c.seq
		ORDER BY n.seq LIMIT 1) IS NOT c.checkpoint_id) AS taken FROM checkpoints c WHERE thread_id = @thread AND ns = @ns AND checkpoint_id = @id`,
	insert: `INSERT INTO checkpoints (thread_id, ns, checkpoint_id, parent_id, seq, step, source, created_at, metadata, size, has_snapshot, data, linear)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
};

/** The checkpointer connection's WAL checkpoint interval (open-database.ts, decision 0185; the smoke test checks). */
export const SQLITE_WAL_AUTOCHECKPOINT = 4000;

/** A stored checkpoint as the replay needs it, oldest first. */
interface Row {
	checkpoint_id: string;
	parent_id: string | null;
	step: number;
	source: string;
	created_at: string;
	metadata: string;
	size: number;
	has_snapshot: number;
	data: Uint8Array;
}

/**
 * µs per put of the thread `from`'s checkpoints replayed into new threads of the same file: each one
 * transaction (BEGIN IMMEDIATE) running the put's three statements, as the checkpointer does; the median
 * over `rounds` replays. The thread row is made first, as the run's lease makes it.
 */
export function sqlitePutFloorUs(
	path: string,
	from: string,
	rounds = 5,
): number {
	const db = new Database(path);
	try {
		db.pragma("synchronous = NORMAL");
		db.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT}`);
		const rows = db
			.prepare(
				"SELECT checkpoint_id, parent_id, step, source, created_at, metadata, size, has_snapshot, data FROM checkpoints WHERE thread_id = ? AND ns = '' ORDER BY seq",
			)
			.all(from) as Row[];
		const bump = db.prepare(SQLITE_PUT.bumpSeq);
		const touch = db.prepare(SQLITE_PUT.touch);
		const parent = db.prepare(SQLITE_PUT.parentState);
		const insert = db.prepare(SQLITE_PUT.insert);
		const thread = db.prepare(
			// with its root count and heads known, as after the thread's first put (decision 0139)
			"INSERT INTO threads (thread_id, status, created_at, updated_at, root_count, root_heads) VALUES (?, 'running', ?, ?, 0, '[]')",
		);
		const put = db
			.transaction((t: string, r: Row) => {
				const claimed = bump.get({
					thread: t,
					now: r.created_at,
					ns: "",
					id: r.checkpoint_id,
					parent: r.parent_id,
				}) as {
					last_seq: number;
					updated_at: string;
					parent_was_head: number;
				};
				if (claimed.updated_at !== r.created_at)
					touch.run({ thread: t, now: r.created_at });
				// the parent's lookups only when it was not the only head (decision 0189)
				if (r.parent_id !== null && claimed.parent_was_head !== 1)
					parent.get({ thread: t, ns: "", id: r.parent_id });
				insert.run(
					t,
					"",
					r.checkpoint_id,
					r.parent_id,
					claimed.last_seq,
					r.step,
					r.source,
					r.created_at,
					r.metadata,
					r.size,
					r.has_snapshot,
					r.data,
					claimed.parent_was_head === 1 ? 1 : 0,
				);
			})
			.immediate.bind(null);
		const replay = (t: string) => {
			thread.run(t, rows[0]!.created_at, rows[0]!.created_at);
			for (const r of rows) put(t, r);
		};
		replay("floor-warm");
		const per: number[] = [];
		for (let i = 0; i < rounds; i++) {
			gc();
			const t0 = now();
			replay(`floor-${i}`);
			per.push(((now() - t0) * 1000) / rows.length);
		}
		return median(per);
	} finally {
		db.close();
	}
}

/**
 * µs per call of `put_checkpoint` (the whole put on Postgres: one statement that commits by itself)
 * replaying the thread `from`'s checkpoints into new threads, on one connection through a named
 * statement; the median over `rounds` replays. Each call carries what a run's put carries: the lease's
 * fence (the thread row is made first holding a lease, as the run's lease makes it) and the `exclusive`
 * check of a linear run (no other child of the parent).
 */
export async function postgresPutFloorUs(
	connectionString: string,
	from: string,
	rounds = 5,
): Promise<number> {
	const client = new pg.Client({ connectionString });
	await client.connect();
	try {
		const { rows } = await client.query(
			"SELECT checkpoint_id, parent_id, step, source, created_at, metadata::text AS metadata, size, has_snapshot, data FROM weft.checkpoints WHERE thread_id = $1 AND ns = '' ORDER BY seq",
			[from],
		);
		const FENCE = 1;
		const replay = async (t: string) => {
			// with its root count and heads known, as after the thread's first put (decision 0139)
			await client.query(
				"INSERT INTO weft.threads (thread_id, status, created_at, updated_at, root_count, root_heads, lease_token, lease_owner, lease_expires) VALUES ($1, 'running', $2, $2, 0, '{}', $3, 'floor', now() + interval '1 hour')",
				[t, rows[0].created_at, FENCE],
			);
			for (const r of rows)
				await client.query({
					name: "put_floor",
					text: "SELECT weft.put_checkpoint($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) AS seq",
					values: [
						t,
						"",
						r.checkpoint_id,
						r.parent_id,
						r.step,
						r.source,
						r.created_at,
						r.metadata,
						r.size,
						r.has_snapshot,
						r.data,
						FENCE,
						true,
						false,
					],
				});
		};
		await replay("floor-warm");
		const per: number[] = [];
		for (let i = 0; i < rounds; i++) {
			gc();
			const t0 = now();
			await replay(`floor-${i}`);
			per.push(((now() - t0) * 1000) / rows.length);
		}
		return median(per);
	} finally {
		await client.end();
	}
}
