import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresRecords } from "../src/records/postgres-records.ts";
import {
	MemoryRecords,
	type ServerRecords,
} from "../src/records/server-records.ts";
import { SqliteRecords } from "../src/records/sqlite-records.ts";
import {
	RUN_STATUSES,
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

/** For every pair of statuses: does the store take the move? Must be exactly the machine's (or none). */
async function checkStore(records: ServerRecords, prefix: string) {
	const moves = machineMoves();
	expect(moves.size).toBeGreaterThan(0);
	for (const from of RUN_STATUSES)
		for (const to of RUN_STATUSES) {
			const id = `${prefix}-${from}-${to}`;
			await records.putRun(run(id, from));
			await records.putRun(run(id, to));
			const stored = (await records.getRun(id))?.status;
			const allowed = from === to || moves.has(`${from}:${to}`);
			expect([from, to, stored]).toEqual([from, to, allowed ? to : from]);
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

	it("memory records take exactly the machine's moves", async () => {
		await checkStore(new MemoryRecords(), "m");
	});

	it("SQLite records take exactly the machine's moves; a raw UPDATE of another move fails", async () => {
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
		"Postgres records take exactly the machine's moves; a raw UPDATE of another move fails",
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
