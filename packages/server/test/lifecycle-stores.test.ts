import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresRecords } from "../src/records/postgres-records.ts";
import { WrittenMap } from "../src/records/record-cache.ts";
import {
	MemoryRecords,
	type ServerRecords,
} from "../src/records/server-records.ts";
import { SqliteRecords } from "../src/records/sqlite-records.ts";
import {
	isFinalRunStatus,
	RUN_STATUSES,
	RUN_STORED_MOVES,
	RUN_TRANSITIONS,
	type RunLifecycleStatus,
	runMachine,
} from "../src/run-lifecycle.ts";
import type { RunRecord } from "../src/thread-registry.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

/** Every (from, to) the machine moves by some event, read from the xstate machine itself. */
function machineMoves(): Set<string> {
	const moves = new Set<string>();
	for (const [from, node] of Object.entries(runMachine.config.states ?? {}))
		for (const to of Object.values(
			(node as { on?: Record<string, string> }).on ?? {},
		))
			moves.add(`${from}:${to}`);
	return moves;
}

const run = (runId: string, status: RunLifecycleStatus): RunRecord => ({
	runId,
	threadId: "t",
	assistantId: "g",
	graphId: "g",
	owner: undefined,
	status,
	metadata: {},
	multitaskStrategy: "reject",
	createdAt: "2026-01-01T00:00:00.000Z",
	updatedAt: "2026-01-01T00:00:00.000Z",
});

/** Every (from, to) the machine reaches by one move or a chain of them, from its own moves. */
function chainedMoves(): Set<string> {
	const moves = machineMoves();
	const out = new Set<string>();
	for (const from of RUN_STATUSES) {
		const todo = [from];
		for (let s = todo.pop(); s !== undefined; s = todo.pop())
			for (const m of moves) {
				const [a, b] = m.split(":") as [string, RunLifecycleStatus];
				if (a === s && !out.has(`${from}:${b}`)) {
					out.add(`${from}:${b}`);
					todo.push(b);
				}
			}
	}
	return out;
}

/**
 * For every pair of statuses: does the store take the move? Exactly the machine's moves and chains of them
 * (a record written behind carries only its newest status), or none; a final status never changes.
 */
async function checkStore(records: ServerRecords, prefix: string) {
	const moves = chainedMoves();
	expect(moves).toEqual(new Set(RUN_STORED_MOVES));
	expect(moves).toContain("pending:interrupted");
	expect(moves).not.toContain("interrupted:pending");
	for (const from of RUN_STATUSES)
		for (const to of RUN_STATUSES) {
			const id = `${prefix}-${from}-${to}`;
			await records.putRun(run(id, from));
			await records.putRun(run(id, to));
			const stored = (await records.getRun(id))?.status;
			const allowed = from === to || moves.has(`${from}:${to}`);
			expect([from, to, stored]).toEqual([from, to, allowed ? to : from]);
			if (isFinalRunStatus(from)) expect(stored).toBe(from);
		}
}

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
let dir: string;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "srvgaps-lifecycle-"));
	if (available) db = await freshDatabase("srvgaps_lifecycle");
});
afterAll(async () => {
	await db?.drop();
	rmSync(dir, { recursive: true, force: true });
});

describe("the run lifecycle is what the stores allow", () => {
	it("the machine's moves are the table's", () => {
		const table = new Set(
			RUN_STATUSES.flatMap((from) =>
				Object.values(RUN_TRANSITIONS[from]).map((to) => `${from}:${to}`),
			),
		);
		expect(machineMoves()).toEqual(table);
		expect(machineMoves()).toContain("running:pending");
	});

	// weft dev on Postgres, a loaded machine: the run's first write (pending) was still in flight when it
	// ran and paused, so the next write carried interrupted; the store refused the move, the record stayed
	// pending, and the next start cancelled it as orphaned
	it("a run written behind while its first write is in flight is stored at its newest status", async () => {
		const stores: Array<[string, () => Promise<ServerRecords>]> = [
			["memory", async () => new MemoryRecords()],
			["sqlite", async () => new SqliteRecords(join(dir, "behind.db"))],
		];
		if (available)
			stores.push(["postgres", () => PostgresRecords.connect(db!.url)]);
		for (const [name, open] of stores) {
			const records = await open();
			try {
				let release = () => {};
				const gate = new Promise<void>((r) => {
					release = r;
				});
				const runs = new WrittenMap<RunRecord>();
				let first = true;
				runs.writeTo(
					async (_key, r) => {
						if (r === undefined) return;
						const copy = { ...r }; // what a store's write sends, taken when it starts
						if (first) {
							first = false;
							await gate;
						}
						await records.putRun(copy);
					},
					(e) => {
						throw e;
					},
				);
				runs.set("behind", run("behind", "pending"));
				await new Promise((r) => setTimeout(r, 10)); // the first write is in flight
				const live = runs.get("behind")!;
				live.status = "running";
				live.status = "interrupted";
				release();
				await runs.flush();
				expect([name, (await records.getRun("behind"))?.status]).toEqual([
					name,
					"interrupted",
				]);
			} finally {
				await records.close();
			}
		}
	});

	it("memory records take exactly the machine's moves and chains of them", async () => {
		await checkStore(new MemoryRecords(), "m");
	});

	it("SQLite records take exactly the machine's moves and chains of them; a raw UPDATE of another move fails", async () => {
		const path = join(dir, "weft.db");
		const records = new SqliteRecords(path);
		try {
			await checkStore(records, "s");
		} finally {
			await records.close();
		}
		const raw = new Database(path);
		try {
			const set = raw.prepare(
				"UPDATE weft_server_runs SET body = json_set(body, '$.status', ?) WHERE run_id = ?",
			);
			expect(() => set.run("running", "s-success-success")).toThrow(
				/status move/,
			);
			expect(set.run("running", "s-pending-pending").changes).toBe(1);
		} finally {
			raw.close();
		}
	});

	it.skipIf(!available)(
		"Postgres records take exactly the machine's moves and chains of them; a raw UPDATE of another move fails",
		async () => {
			const records = await PostgresRecords.connect(db!.url);
			try {
				await checkStore(records, "p");
			} finally {
				await records.close();
			}
			const client = new pg.Client({ connectionString: db!.url });
			await client.connect();
			try {
				await expect(
					client.query(
						"UPDATE weft_server.runs SET status = 'running' WHERE run_id = 'p-cancelled-cancelled'",
					),
				).rejects.toThrow(/cannot move from cancelled to running/);
				const ok = await client.query(
					"UPDATE weft_server.runs SET status = 'pending' WHERE run_id = 'p-running-running'",
				);
				expect(ok.rowCount).toBe(1);
			} finally {
				await client.end();
			}
		},
	);
});
