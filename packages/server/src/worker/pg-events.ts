import type pg from "pg";
import { EVENTS_CHANNEL } from "../records/postgres-records.ts";
import { retried } from "../retry.ts";
import {
	atMost,
	DEFAULT_MAX_EVENTS,
	eventsDropped,
	eventsExpired,
	type RunEvent,
	RunEventLog,
} from "../run-events.ts";

/** Events counted in `ord`: those a recovered attempt can rebuild from the thread's checkpoints. */
const COUNTED = new Set(["updates", "values"]);

/**
 * A run's events as the worker writes them: numbered from where the run's earlier attempts stopped,
 * written in batches (the run never waits for them), announced on the events channel. Each row also
 * records how many `updates` and `values` events the run has sent up to it (`ord`), across attempts.
 */
/** What a writer starts from: the run's newest stored event, how many were dropped, the newest `ord`. */
export interface StoredEvents {
	top: number | null;
	dropped: number | null;
	ord: number | null;
}

/** The select-list columns of `StoredEvents` for the run `runId` (a SQL expression, e.g. `$1`). */
export const STORED_EVENTS_SQL = (runId: string) => `
	(SELECT max(seq) FROM weft_server.run_events WHERE run_id = ${runId})::int AS top,
	(SELECT events_from - 1 FROM weft_server.runs WHERE run_id = ${runId})::int AS dropped,
	(SELECT ord FROM weft_server.run_events WHERE run_id = ${runId} ORDER BY seq DESC LIMIT 1) AS ord`;

/** A stored event: its number, name, JSON data and `ord` (see `sent`). */
export type EventRow = {
	seq: number;
	event: string;
	data: string;
	ord: number | null;
};

export class PgEventWriter {
	readonly #pool: pg.Pool;
	readonly #runId: string;
	/** The attempt writing: its events are written only while the run is running as this attempt. */
	readonly #attempt: number;
	#seq: number;
	#ord: number | undefined;
	readonly #max: number;
	#buffer: EventRow[] = [];
	#writing: Promise<void> | undefined;
	#error: unknown;
	/** Set by `rest()`: what is pushed from then on stays buffered, for the caller's own statement. */
	#held = false;
	/** Set by `hold()`: what is pushed from then on waits for `rest()` (or `flush()`). */
	#pausing = false;
	/**
	 * How many `updates` and `values` events the run's earlier attempts stored (those of its newest stored
	 * event); undefined when unknown (its events were written before `ord` existed, or are all gone).
	 */
	readonly sent: number | undefined;

	private constructor(
		pool: pg.Pool,
		runId: string,
		attempt: number,
		seq: number,
		sent: number | undefined,
		max: number,
	) {
		this.#pool = pool;
		this.#runId = runId;
		this.#attempt = attempt;
		this.#seq = seq;
		this.#ord = sent;
		this.sent = sent;
		this.#max = max;
	}

	/**
	 * A writer for attempt `attempt` of the run, numbering after the run's stored events; it keeps the newest
	 * `maxPerRun` of them.
	 */
	static async open(
		pool: pg.Pool,
		runId: string,
		attempt: number,
		options: { maxPerRun?: number | undefined } = {},
	): Promise<PgEventWriter> {
		const { rows } = await pool.query(`SELECT ${STORED_EVENTS_SQL("$1")}`, [
			runId,
		]);
		return PgEventWriter.after(
			pool,
			{ runId, attempt },
			rows[0] as StoredEvents,
			options,
		);
	}

	/** A writer for `run`'s attempt numbering after `stored` (the columns of `STORED_EVENTS_SQL`, read by the caller). */
	static after(
		pool: pg.Pool,
		run: { runId: string; attempt: number },
		stored: StoredEvents,
		options: { maxPerRun?: number | undefined } = {},
	): PgEventWriter {
		const { top, dropped, ord } = stored;
		const seq = Math.max(top ?? 0, dropped ?? 0);
		// none ever stored: none sent; rows without `ord` (older writers), or none left of some: unknown
		const sent = top !== null ? (ord ?? undefined) : seq === 0 ? 0 : undefined;
		return new PgEventWriter(
			pool,
			run.runId,
			run.attempt,
			seq,
			sent,
			options.maxPerRun ?? DEFAULT_MAX_EVENTS,
		);
	}

	push(event: string, data: unknown): void {
		// after a batch that could not be written, later events are not written either: a stream that
		// stops is recovered by the next attempt; one with a hole in it would not be
		if (this.#error !== undefined) return;
		this.#seq += 1;
		if (this.#ord !== undefined && COUNTED.has(event)) this.#ord += 1;
		this.#buffer.push({
			seq: this.#seq,
			event,
			data: JSON.stringify(data ?? null),
			ord: this.#ord ?? null,
		});
		if (!this.#held && !this.#pausing) this.#writing ??= this.#drain();
	}

	/**
	 * The run is pausing (`RunSink.pausing`): the events pushed from now on (its interrupt's) are not
	 * written in batches but handed to the run's status statement by `rest()`, so that a reader sees them
	 * only once the run reads `interrupted`. `flush()` still writes them (a run given back instead).
	 */
	hold(): void {
		this.#pausing = true;
	}

	async #drain(): Promise<void> {
		await Promise.resolve();
		while (this.#buffer.length > 0 && !this.#held && !this.#pausing) {
			const batch = this.#buffer.splice(0, 200);
			try {
				// tried again with a backoff (a dropped connection): the insert is idempotent
				await retried(() => this.#writeOnce(batch));
			} catch (error) {
				this.#error = error;
				this.#buffer = [];
			}
		}
		this.#writing = undefined;
	}

	/**
	 * Waits for the batch in flight and hands over the events not written yet, which the caller writes in
	 * a statement of its own (`insertSql`), in order, before anything later; throws the first write error.
	 * Events that reach the cap (the oldest must go) are written here first, and none are handed over.
	 * Events pushed from then on are not written by this writer.
	 */
	async rest(): Promise<EventRow[]> {
		this.#held = true;
		while (this.#writing !== undefined) await this.#writing;
		if (this.#error !== undefined) throw this.#error;
		if (this.#buffer.length === 0) return [];
		if (this.#buffer.at(-1)!.seq - this.#max + 1 > 1) {
			const all = this.#buffer.splice(0);
			await retried(() => this.#writeOnce(all));
			return [];
		}
		return this.#buffer.splice(0);
	}

	async #writeOnce(all: EventRow[]): Promise<void> {
		// past the cap, the oldest go: stored ones by the DELETE, those of this batch are not inserted (a
		// statement's DELETE does not see the rows its own INSERT adds)
		const from = all.at(-1)!.seq - this.#max + 1;
		const batch = from > 1 ? all.filter((e) => e.seq >= from) : all;
		const values = insertValues(batch, 3);
		const n = batch.length * 4 + 3;
		// one statement: the rows and the cap (when reached), only while the run is this attempt's (a worker
		// woken after its run was taken from it writes nothing, decision 0108), and the announcement, which
		// goes out at its commit. The run's row is read under a share lock: a sweep taking the run back
		// (its move to pending not committed yet, decision 0128) is waited for, and then read
		await this.#pool.query(
			`WITH mine AS (SELECT 1 FROM weft_server.runs WHERE run_id = $1 AND attempt = $2 AND status = 'running' FOR SHARE),
			ins AS (${insertRows(values, "EXISTS (SELECT 1 FROM mine)")})${
				from > 1
					? `, cut AS (DELETE FROM weft_server.run_events WHERE run_id = $1 AND seq < $${n + 2} AND EXISTS (SELECT 1 FROM mine)),
				moved AS (UPDATE weft_server.runs SET events_from = greatest(events_from, $${n + 2}) WHERE run_id = $1 AND EXISTS (SELECT 1 FROM mine))`
					: ""
			}
			SELECT pg_notify($${n}, $${n + 1})`,
			[
				this.#runId,
				this.#attempt,
				...batch.flatMap((e) => [e.seq, e.event, e.data, e.ord]),
				EVENTS_CHANNEL,
				this.#runId,
				...(from > 1 ? [from] : []),
			],
		);
	}

	/** Waits until every event pushed so far is written (those held by `hold()` too); throws the first write error. */
	async flush(): Promise<void> {
		while (this.#writing !== undefined) await this.#writing;
		if (this.#error !== undefined) throw this.#error;
		if (this.#pausing && !this.#held && this.#buffer.length > 0) {
			const held = this.#buffer.splice(0);
			await retried(() => this.#writeOnce(held));
		}
	}
}

/** The VALUES list of `rows` for `run_events` (run id in `$1`, the rows' columns from `$first` on). */
function insertValues(rows: EventRow[], first: number): string {
	return rows
		.map((_, i) => {
			const p = first + i * 4;
			return `($1::text, $${p}::int, $${p + 1}::text, $${p + 2}::jsonb, $${p + 3}::int)`;
		})
		.join(", ");
}

/**
 * The insert of `values` (see `insertValues`) into `run_events`, only `when` (a SQL condition: the run is
 * still the writing attempt's): rows of an attempt the run was taken from are not written.
 */
function insertRows(values: string, when: string): string {
	return `INSERT INTO weft_server.run_events (run_id, seq, event, data, ord)
		SELECT v.* FROM (VALUES ${values}) v (run_id, seq, event, data, ord)
		WHERE ${when}
		ON CONFLICT DO NOTHING`;
}

/**
 * A CTE that inserts `rows` (a run's last events, from `rest()`) into `run_events`, for a statement whose
 * `$1` is the run id and whose parameters go on at `$first`, to follow the statement's other CTEs
 * (`, ins AS (…)`); with its parameters. Empty for no rows. Written only `when` (a SQL condition: the
 * status statement's, that it moved the run, which it does only while the run is the attempt's).
 */
export function insertEventsSql(
	rows: EventRow[],
	first: number,
	when: string,
): { cte: string; params: unknown[] } {
	if (rows.length === 0) return { cte: "", params: [] };
	return {
		cte: `, ins AS (${insertRows(insertValues(rows, first), when)})`,
		params: rows.flatMap((e) => [e.seq, e.event, e.data, e.ord]),
	};
}

/** What the reader needs from the API process: whether the run has ended, and a wake-up. */
export interface RunWatch {
	ended(runId: string): boolean;
	/** Resolves on the run's next event or status change, on `signal`, or after a while. */
	wait(runId: string, signal?: AbortSignal): Promise<void>;
}

/** A run's events read from Postgres, in order, after `Last-Event-ID`, until the run has ended. */
export class PgRunEvents extends RunEventLog {
	readonly #pool: pg.Pool;
	readonly #runId: string;
	readonly #watch: RunWatch;

	constructor(pool: pg.Pool, runId: string, watch: RunWatch) {
		super(0);
		this.#pool = pool;
		this.#runId = runId;
		this.#watch = watch;
	}

	override async place(
		lastEventId: string | undefined,
	): Promise<string | undefined> {
		if (lastEventId === undefined) return undefined;
		const { rows } = await this.#pool.query(
			`SELECT events_from, (SELECT max(seq) FROM weft_server.run_events e WHERE e.run_id = r.run_id)::int AS top
			FROM weft_server.runs r WHERE run_id = $1`,
			[this.#runId],
		);
		const row = rows[0] as
			| { events_from: number; top: number | null }
			| undefined;
		if (row === undefined) return lastEventId;
		eventsExpired(this.#runId, lastEventId, row.events_from);
		// every event swept (the run ended long ago): the newest was the one before the first kept
		return atMost(lastEventId, row.top ?? row.events_from - 1);
	}

	override async *read(
		lastEventId?: string,
		signal?: AbortSignal,
	): AsyncGenerator<RunEvent> {
		let after = lastEventId === undefined ? 0 : Number(lastEventId);
		if (!Number.isFinite(after) || after < 0) after = 0;
		// as RunEventLog's: once placed (Last-Event-ID, or a first event read), a dropped next event is said
		let placed = lastEventId !== undefined;
		while (signal?.aborted !== true) {
			// read "ended" before the rows: events are all written before the final status is
			const ended = this.#watch.ended(this.#runId);
			const waiting = this.#watch.wait(this.#runId, signal);
			let rows: { seq: number; event: string; data: unknown }[] = [];
			try {
				// a dropped connection is read again on another (the pool opens one): the stream goes on
				await retried(
					async () => {
						rows = (
							await this.#pool.query(
								"SELECT seq, event, data FROM weft_server.run_events WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT 500",
								[this.#runId, after],
							)
						).rows;
					},
					() => signal?.aborted === true,
				);
			} catch (error) {
				// the store stays out of reach: say so rather than end as if the run had (the client joins
				// again with Last-Event-ID, this event's id being the last one it got)
				yield {
					id: String(after),
					event: "error",
					data: {
						error: "STORE_UNAVAILABLE",
						message: `the run's events could not be read: ${error instanceof Error ? error.message : String(error)}; join the run again with Last-Event-ID ${after}`,
					},
				};
				return;
			}
			const first = rows[0]?.seq;
			if (placed && first !== undefined && first > after + 1) {
				yield eventsDropped(after + 1, first - 1);
				return;
			}
			for (const row of rows) {
				after = row.seq;
				placed = true;
				yield { id: String(row.seq), event: row.event, data: row.data };
			}
			if (rows.length > 0) continue;
			if (ended) return;
			await waiting;
		}
	}
}

/**
 * Drops the events of runs that ended more than `ttlMs` ago (their `events_from` moves past the last
 * one, so a `Last-Event-ID` in them reads as expired). Returns how many events were dropped.
 */
export async function sweepExpiredEvents(
	pool: pg.Pool,
	ttlMs: number,
	finals: string[],
): Promise<number> {
	const { rows } = await pool.query(
		`WITH ended AS (
			SELECT run_id FROM weft_server.runs WHERE status = ANY($2::text[])
			AND (body->>'updatedAt')::timestamptz < now() - make_interval(secs => $1::float / 1000)
		), gone AS (
			DELETE FROM weft_server.run_events e USING ended WHERE e.run_id = ended.run_id
			RETURNING e.run_id, e.seq
		), moved AS (
			UPDATE weft_server.runs r SET events_from = g.top + 1
			FROM (SELECT run_id, max(seq) AS top FROM gone GROUP BY run_id) g
			WHERE r.run_id = g.run_id RETURNING r.run_id
		)
		SELECT (SELECT count(*) FROM gone)::int AS dropped`,
		[ttlMs, finals],
	);
	return (rows[0] as { dropped: number }).dropped;
}
