// `weft replay` shows each step as it runs, as `weft continue` and `weft run` do.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, weft } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-replay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = ["--db", join(dir, "w.db")];
const module = join(root, "packages/cli/test/fixtures/eval-graph.ts");

describe("weft replay", () => {
	it("prints a line per step, as weft run does", async () => {
		const run = await weft([
			...db,
			"run",
			module,
			"--thread",
			"r",
			"--input",
			'{"question":"sky"}',
		]);
		expect(run.code).toBe(0);
		const steps = (out: string) =>
			out.split("\n").filter((l) => /^step \d+ \w+ wrote /.test(l));
		expect(steps(run.stdout)).toEqual([
			"step 1 lookup wrote answer",
			"step 2 polish wrote answer",
		]);
		const replay = await weft([...db, "replay", "r", "--from", "0"]);
		expect(replay.code).toBe(0);
		expect(replay.stdout).toContain("replaying thread r from step 0");
		expect(steps(replay.stdout)).toEqual(steps(run.stdout));
		expect(replay.stdout).toContain("done · thread r");
	}, 120_000);
});
