import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, describe, expect, it, vi } from "vitest";
import { RawSqlite, root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 120_000 });

const approval = join(root, "examples/src/human-approval.ts");
// the SQLite driver the store package uses (not a dependency of the CLI's own)
const dir = mkdtempSync(join(tmpdir(), "weft-run-race-"));
const db = join(dir, "weft.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Found from outside (durability audit, 2 Dec): of two `weft run` on one new thread, the loser
// (THREAD_BUSY) cleaned up "its" empty thread, which was the winner's, lease and all: the winner then
// failed LEASE_LOST and the thread was gone.
describe("two weft run processes on one new thread", () => {
	it("the loser answers THREAD_BUSY and leaves the winner's thread alone (3 races)", async () => {
		const seed = await weft([
			"--db",
			db,
			"run",
			approval,
			"--thread",
			"seed",
			"--input",
			'{"request":"seed"}',
		]);
		expect(seed.code, seed.stderr).toBe(0);
		for (let trial = 0; trial < 3; trial++) {
			const thread = `race-${trial}`;
			// both start while the file is write-locked, so both read the thread as new, then race for its lease
			const lock = new RawSqlite(db);
			lock.exec("BEGIN IMMEDIATE");
			const released = new Promise<void>((resolve) =>
				setTimeout(() => {
					lock.exec("COMMIT");
					lock.close();
					resolve();
				}, 1500),
			);
			const runs = await Promise.all(
				[1, 2].map((i) =>
					weft([
						"--db",
						db,
						"run",
						approval,
						"--thread",
						thread,
						"--input",
						`{"request":"r${i}"}`,
					]),
				),
			);
			await released;
			// one after the other (both 0), or at once: the loser THREAD_BUSY; the winner never LEASE_LOST
			const said = runs.map((r) => r.stderr).join("\n");
			expect(
				runs.some((r) => r.code === 0),
				said,
			).toBe(true);
			for (const r of runs.filter((r) => r.code !== 0))
				expect(r.stderr).toContain("THREAD_BUSY");
			expect(said).not.toContain("LEASE_LOST");
			const store = new SqliteCheckpointer({ path: db });
			try {
				const info = await store.getThread(thread);
				expect(info?.checkpoints).toBeGreaterThan(0);
				expect(info?.status).toBe("interrupted");
			} finally {
				store.close();
			}
		}
	});

	it("a run that loses the lease to a runner that has saved nothing yet leaves that runner's thread alone", async () => {
		const seed = await weft([
			"--db",
			db,
			"run",
			approval,
			"--thread",
			"seed-2",
			"--input",
			'{"request":"seed"}',
		]);
		expect(seed.code, seed.stderr).toBe(0);
		// the run reads the thread as new while the file is write-locked; under that lock another runner
		// takes the thread's lease (and has written no checkpoint yet) before the run can
		const lock = new RawSqlite(db);
		lock.exec("BEGIN IMMEDIATE");
		const loser = weft([
			"--db",
			db,
			"run",
			approval,
			"--thread",
			"taken",
			"--input",
			'{"request":"r"}',
		]);
		// time for the process to start and read the thread (it then waits on the lock for the lease)
		await new Promise((r) => setTimeout(r, 3000));
		const now = new Date().toISOString();
		lock
			.prepare(
				`INSERT INTO threads (thread_id, status, created_at, updated_at, last_seq, lease_token, lease_owner, lease_expires_at)
				 VALUES ('taken', 'running', ?, ?, 0, 1, 'the other runner', ?)`,
			)
			.run(now, now, Date.now() + 60_000);
		lock.exec("COMMIT");
		lock.close();
		const lost = await loser;
		expect(lost.code).toBe(1);
		expect(lost.stderr).toContain("THREAD_BUSY");
		const store = new SqliteCheckpointer({ path: db });
		try {
			expect((await store.getThread("taken"))?.lease?.owner).toBe(
				"the other runner",
			);
		} finally {
			store.close();
		}
	});
});
