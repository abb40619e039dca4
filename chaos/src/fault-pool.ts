// Connection loss aimed at the one write that must be atomic: a put that carries records
// (`PutOptions.pendingWrites`: an update's or a branch's checkpoint with the step's records). Postgres writes
// it as BEGIN, `put_checkpoint`, the records' INSERT, COMMIT on one connection; this pool's clients have
// their own backend terminated (a real `pg_terminate_backend`, from a second connection) at a random one of
// those statements, or at the same moment as the COMMIT (the client cannot know whether it committed).
// `checkCarried` then reads, on a connection of its own, what each such put left.
import type {
	Checkpointer,
	CheckpointRecord,
	PendingWrite,
	PutOptions,
} from "@weft/checkpoint";
import pg from "pg";

/**
 * Where a carried put's connection is terminated: before a statement, together with the COMMIT, or right
 * after the COMMIT was answered, the answer then reported lost (the client cannot know what committed).
 */
export const FAULT_POINTS = [
	"put",
	"insert",
	"commit",
	"race",
	"answer",
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export interface FaultCounts {
	/** Attempts at a carried put (a put retried after a lost connection counts twice). */
	attempts: number;
	/** Terminations by point. */
	terminated: Partial<Record<FaultPoint, number>>;
}

/** A query as pg takes it: SQL text, or a (named) statement's config (decision 0063). */
type Query = (
	q: string | pg.QueryConfig,
	values?: unknown[],
) => Promise<pg.QueryResult>;

/** A pool whose clients lose their connection in a carried put's transaction with `probability`. */
export function faultPool(
	connectionString: string,
	probability: number,
	counts: FaultCounts,
): { pool: pg.Pool; close(): Promise<void> } {
	const pool = new pg.Pool({ connectionString, max: 4 });
	const admin = new pg.Pool({ connectionString, max: 2 });
	admin.on("error", () => {});
	const terminate = (pid: number | undefined) =>
		admin.query("SELECT pg_terminate_backend($1)", [pid]).then(
			() => undefined,
			() => undefined,
		);
	pool.on("connect", (client) => {
		const original = client.query.bind(client) as Query;
		const pid = (client as unknown as { processID?: number }).processID;
		let ended = false;
		const gone = new Promise<void>((resolve) => {
			client.once("end", () => {
				ended = true;
				resolve();
			});
		});
		let inTransaction = false;
		let point: FaultPoint | undefined;
		/** Terminates this client's backend, waits until the client saw it, then sends the statement. */
		const terminated = async (at: FaultPoint) => {
			counts.terminated[at] = (counts.terminated[at] ?? 0) + 1;
			await terminate(pid);
			if (!ended)
				await Promise.race([gone, new Promise((r) => setTimeout(r, 1000))]);
		};
		const cut = async (
			at: FaultPoint,
			q: string | pg.QueryConfig,
			values?: unknown[],
		) => {
			await terminated(at);
			return original(q, values);
		};
		(client as unknown as { query: Query }).query = (q, values) => {
			const text = typeof q === "string" ? q : q.text;
			if (text === "BEGIN" || text.startsWith("BEGIN;")) {
				inTransaction = true;
				point = undefined;
				return original(q, values);
			}
			if (text === "COMMIT" || text === "ROLLBACK") {
				const at = point;
				inTransaction = false;
				point = undefined;
				if (text === "COMMIT" && at === "commit") return cut(at, q, values);
				if (text === "COMMIT" && at === "race") {
					counts.terminated.race = (counts.terminated.race ?? 0) + 1;
					const committing = original(q, values);
					void terminate(pid);
					return committing;
				}
				if (text === "COMMIT" && at === "answer")
					return original(q, values).then(async () => {
						await terminated(at);
						throw new Error("Connection terminated unexpectedly");
					});
				return original(q, values);
			}
			if (!inTransaction) return original(q, values);
			if (text.startsWith("SELECT") && text.includes(".put_checkpoint(")) {
				counts.attempts++;
				point =
					Math.random() < probability
						? FAULT_POINTS[Math.floor(Math.random() * FAULT_POINTS.length)]
						: undefined;
				if (point === "put") return cut(point, q, values);
			} else if (point === "insert") return cut(point, q, values);
			return original(q, values);
		};
	});
	return {
		pool,
		close: async () => {
			await pool.end().catch(() => {});
			await admin.end().catch(() => {});
		},
	};
}

export interface CarriedCounts {
	/** Carried puts whose checkpoint is stored with every record it carries. */
	committed: number;
	/** Carried puts of which nothing is stored (the put failed). */
	rolledBack: number;
	/** A put that failed although it was committed (its answer was lost): allowed, counted. */
	committedButFailed: number;
	/** Broken: a checkpoint stored without (all of) its records, or a put that resolved with nothing stored. */
	broken: string[];
}

const key = (w: PendingWrite) => JSON.stringify(w);

/**
 * `cp`, checking after each put that carries records (whether it resolved or failed) what `reader` finds:
 * the checkpoint with all of them, or nothing at all.
 */
export function checkCarried(
	cp: Checkpointer,
	reader: Checkpointer,
	counts: CarriedCounts,
): Checkpointer {
	const check = async (
		record: CheckpointRecord,
		carried: readonly PendingWrite[],
		failed: boolean,
	) => {
		const { threadId, ns, checkpointId } = record;
		const stored = await reader.getTuple({ threadId, ns, checkpointId });
		if (stored === undefined) {
			if (failed) counts.rolledBack++;
			else counts.broken.push(`${checkpointId}: put resolved, nothing stored`);
			return;
		}
		const have = new Set(stored.pendingWrites.map(key));
		const missing = carried.filter((w) => !have.has(key(w)));
		if (missing.length > 0)
			counts.broken.push(
				`${checkpointId} (${record.source}) stored without ${missing.length} of its ${carried.length} records`,
			);
		else if (failed) counts.committedButFailed++;
		else counts.committed++;
	};
	return new Proxy(cp, {
		get(target, name) {
			const value = Reflect.get(target, name, target) as unknown;
			if (typeof value !== "function" || name === "constructor") return value;
			if (name !== "put") return value.bind(target);
			return async (record: CheckpointRecord, options?: PutOptions) => {
				const carried = options?.pendingWrites ?? [];
				const put = (value as Checkpointer["put"]).call(
					target,
					record,
					options,
				);
				if (carried.length === 0) return put;
				try {
					const result = await put;
					await check(record, carried, false);
					return result;
				} catch (error) {
					await check(record, carried, true);
					throw error;
				}
			};
		},
	});
}
