// A list with nothing in it says so in a line (as `weft threads` and `weft eval list` do), never an empty table.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, weft } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-empty-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = ["--db", join(dir, "w.db")];
const module = join(root, "packages/cli/test/fixtures/eval-graph.ts");

describe("empty lists", () => {
	it("weft feedback list and stats with no feedback print a line, exit 0", async () => {
		const run = await weft([
			...db,
			"run",
			module,
			"--thread",
			"t1",
			"--input",
			'{"question":"sky"}',
		]);
		expect(run.code).toBe(0);
		const all = await weft([...db, "feedback", "list"]);
		expect(all.code).toBe(0);
		expect(all.stdout).not.toContain("│");
		expect(all.stdout).toMatch(
			// with the store this command read (a path of its own here)
			/no feedback yet: give some with `weft --db \S+ feedback <thread> --score 1`/,
		);
		const one = await weft([...db, "feedback", "list", "t1"]);
		expect(one.code).toBe(0);
		expect(one.stdout).toContain('no feedback on thread "t1" yet');
		const stats = await weft([...db, "feedback", "stats"]);
		expect(stats.code).toBe(0);
		expect(stats.stdout).not.toContain("│");
		expect(stats.stdout).toContain("no feedback yet");
		// scripts still get a list
		expect((await weft([...db, "--json", "feedback", "list"])).json).toEqual(
			[],
		);
	}, 120_000);
});
