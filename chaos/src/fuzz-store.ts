// What a fuzz case works on, inside the case-runner process: a store, the chaos graph on it, raw SQL
// on the same data (to corrupt rows behind the store's back), and a known-good thread that every case
// must leave as it was.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Checkpointer, MemoryCheckpointer } from "@weft/checkpoint";
import { chaosGraph } from "./chaos-graph.ts";
import { openStore, type StoreLocation } from "./stores.ts";

/** SQL on the store's own tables; `?` placeholders on every backend. */
export interface RawSql {
	kind: "sqlite" | "postgres";
	run(sql: string, params?: unknown[]): Promise<void>;
	rows<T>(sql: string, params?: unknown[]): Promise<T[]>;
	close(): Promise<void>;
}

async function rawSql(where: StoreLocation): Promise<RawSql> {
	if (where.kind === "sqlite") {
		const { default: Database } = await import("better-sqlite3");
		const db = new Database(where.location);
		db.pragma("busy_timeout = 5000");
		return {
			kind: "sqlite",
			run: async (sql, params = []) => {
				db.prepare(sql).run(...params);
			},
			rows: async <T>(sql: string, params: unknown[] = []) =>
				db.prepare(sql).all(...params) as T[],
			close: async () => {
				db.close();
			},
		};
	}
	const { default: pg } = await import("pg");
	const [connectionString, schema] = where.location.split("#");
	const client = new pg.Client({ connectionString });
	client.on("error", () => {});
	await client.connect();
	await client.query(`SET search_path TO "${schema}"`);
	const numbered = (sql: string) => {
		let i = 0;
		return sql.replace(/\?/g, () => `$${++i}`);
	};
	return {
		kind: "postgres",
		run: async (sql, params = []) => {
			await client.query(numbered(sql), params);
		},
		rows: async <T>(sql: string, params: unknown[] = []) =>
			(await client.query(numbered(sql), params)).rows as T[],
		close: async () => {
			await client.end().catch(() => {});
		},
	};
}

export type FuzzStoreKind = "memory" | "sqlite" | "postgres";

export interface FuzzStore {
	kind: FuzzStoreKind;
	cp: Checkpointer;
	graph: ReturnType<typeof chaosGraph>;
	/** Undefined for the memory store. */
	raw: RawSql | undefined;
	/** Throws unless the known-good thread reads as it was saved. */
	checkGood(): Promise<void>;
	/** Makes the known-good thread again (after a case broke it), so later cases are judged on their own. */
	remakeGood(): Promise<void>;
	close(): Promise<void>;
}

export const GOOD = "known-good";

interface GoodRecord {
	values: unknown;
	interrupts: string[];
	checkpointId: string;
}

export async function openFuzzStore(
	kind: FuzzStoreKind,
	location: string,
	dir: string,
): Promise<FuzzStore> {
	const cp: Checkpointer =
		kind === "memory"
			? new MemoryCheckpointer()
			: await openStore({ kind, location });
	const raw = kind === "memory" ? undefined : await rawSql({ kind, location });
	const graph = chaosGraph(cp, {
		journal: join(dir, `fuzz-${kind}.txt`),
		delayMs: 0,
	});
	// the known-good thread: made by the first runner process, read again by any restarted one
	const file = join(dir, `good-${kind}.json`);
	const makeGood = async (): Promise<GoodRecord> => {
		const result = await graph.run({ rounds: 1 }, { threadId: GOOD });
		const made = {
			values: result.values,
			interrupts: result.interrupts.map((i) => i.id),
			checkpointId: result.checkpointId!,
		};
		writeFileSync(file, JSON.stringify(made));
		return made;
	};
	let good: GoodRecord;
	try {
		if (kind === "memory") throw new Error("memory starts empty");
		good = JSON.parse(readFileSync(file, "utf8")) as GoodRecord;
	} catch {
		good = await makeGood();
	}
	const checkGood = async () => {
		const state = await graph.getState({ threadId: GOOD });
		const now = {
			values: JSON.parse(JSON.stringify(state.values)),
			interrupts: state.interrupts.map((i) => i.id),
			checkpointId: state.checkpointId,
		};
		if (JSON.stringify(now) !== JSON.stringify(good))
			throw new Error(
				`the known-good thread changed: ${JSON.stringify(now)} vs ${JSON.stringify(good)}`,
			);
	};
	return {
		kind,
		cp,
		graph,
		raw,
		checkGood,
		remakeGood: async () => {
			await cp.deleteThread(GOOD);
			good = await makeGood();
		},
		close: async () => {
			await raw?.close();
			await cp.close?.();
		},
	};
}
