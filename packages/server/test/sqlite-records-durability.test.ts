import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteRecords } from "../src/records/sqlite-records.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-records-durable-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// decision 0067: the records commit at the checkpointer's `synchronous` ("normal" by default)
describe("SQLite records are as durable as the checkpoints beside them", () => {
	it.each(["normal", "full"] as const)(
		"at synchronous %s, every record a SIGKILLed process committed is read back",
		async (synchronous) => {
			const path = join(dir, `${synchronous}.db`);
			const child = spawnSync(
				process.execPath,
				[
					"--conditions",
					"@weft/source",
					"--import",
					"tsx",
					join(import.meta.dirname, "fixtures/records-writer.ts"),
					path,
					"200",
					synchronous,
				],
				{ encoding: "utf8" },
			);
			expect(child.signal).toBe("SIGKILL");
			expect(child.stdout).toContain("wrote 200");
			const records = new SqliteRecords(path, { synchronous });
			try {
				const runs = await records.loadRuns();
				expect(runs.map((r) => r.runId).sort()).toEqual(
					Array.from({ length: 200 }, (_, i) => `r-${i}`).sort(),
				);
			} finally {
				await records.close();
			}
		},
	);
});
