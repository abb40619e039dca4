import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { RawSqlite, root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 60_000 });

const gated = join(root, "packages/cli/test/fixtures/gated-graph.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-fresh-db-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const until = async (check: () => boolean) => {
	while (!check()) await new Promise((r) => setTimeout(r, 20));
};

// Found from outside (6 Dec, the CLI probed as users use it): two `weft run` started together on a new
// --db; the one whose input was refused removed the file it had "made", while the other process was
// writing its thread there. That run exited 0 and its thread was gone.
describe("a first run that fails on a new database file another process has open", () => {
	it("leaves the file, and what the other process saved, in place", async () => {
		const db = join(dir, "shared.db");
		const gate = join(dir, "gate");
		const failing = weft(
			["--db", db, "run", gated, "--thread", "bad", "--input", '{"topic":5}'],
			{ env: { WEFT_GATE: gate } },
		);
		// the failing run made the file and is loading its graph: another process opens it and saves
		await until(() => existsSync(db));
		const other = new RawSqlite(db);
		try {
			other.exec("CREATE TABLE IF NOT EXISTS other_program (x)");
			other.exec("INSERT INTO other_program VALUES (1)");
			writeFileSync(gate, "");
			const r = await failing;
			expect(r.code).toBe(1);
			expect(r.stderr).toMatch(/^error VALIDATION_FAILED/m);
			expect(existsSync(db)).toBe(true);
			expect(other.prepare("SELECT x FROM other_program").all()).toEqual([
				{ x: 1 },
			]);
		} finally {
			other.close();
		}
		// what another process saved there and closed (no -wal or -shm left to tell) is kept too
		const closed = join(dir, "closed.db");
		const gate2 = join(dir, "gate2");
		const failing2 = weft(
			[
				"--db",
				closed,
				"run",
				gated,
				"--thread",
				"bad",
				"--input",
				'{"topic":5}',
			],
			{ env: { WEFT_GATE: gate2 } },
		);
		await until(() => existsSync(closed));
		const writer = new RawSqlite(closed);
		writer.exec("CREATE TABLE other_program (x)");
		writer.exec("INSERT INTO other_program VALUES (2)");
		writer.close();
		writeFileSync(gate2, "");
		expect((await failing2).code).toBe(1);
		expect(existsSync(closed)).toBe(true);
		// alone, a failed first run still leaves no file behind
		const alone = join(dir, "alone.db");
		const r = await weft(
			["--db", alone, "run", gated, "--input", '{"topic":5}'],
			{ env: { WEFT_GATE: gate } },
		);
		expect(r.code).toBe(1);
		expect(existsSync(alone)).toBe(false);
	});
});
