// Outside check (evals, 7 Dec): `weft eval compare base half`, with `half` killed mid-run, counted its
// case under way as a case that stopped passing (`(case) worse`, exit 1) and the cases it never started
// as removed, with a pass rate over its finished and unfinished cases alike: a regression that was only
// an unfinished run. A case under way is left out, and the comparison says which run has not finished
// (decision 0238).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, weftSync as weft } from "./run-cli.ts";

const module = join(root, "packages/cli/test/fixtures/eval-graph.ts");

describe("weft eval compare with a run that has not finished", {
	timeout: 120_000,
}, () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-eval-unfinished-"));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("leaves its case under way out and says the run has not finished", () => {
		const db = ["--db", join(dir, "weft.db")];
		const dataset = join(dir, "cases.jsonl");
		writeFileSync(
			dataset,
			[
				'{"id": "france", "input": {"question": "france"}, "expected": "Paris"}',
				'{"id": "sky", "input": {"question": "sky"}, "expected": "blue"}',
				'{"id": "sum", "input": {"question": "sum"}, "expected": "5"}',
			].join("\n"),
		);
		const run = (id: string, env: Record<string, string> = {}) =>
			weft(
				[
					...db,
					"eval",
					module,
					"--dataset",
					dataset,
					"--scorer",
					"exact",
					"--run",
					id,
					"--concurrency",
					"1",
				],
				{ env },
			);
		expect(run("base").code).toBe(1); // has-a fails on "blue" and "5"
		expect(run("half", { WEFT_EVAL_CRASH_ON: "sky" }).code).toBe(137);
		const json = weft([...db, "--json", "eval", "compare", "base", "half"]);
		expect(json.json.incomplete).toEqual([{ run: "half", status: "running" }]);
		expect(
			json.json.rows.filter((r: { caseId: string }) => r.caseId === "sky"),
		).toEqual([
			expect.objectContaining({ change: "removed" }),
			expect.objectContaining({ change: "removed" }),
		]);
		expect(json.json.passRate).toEqual({ a: 1 / 3, b: 1 }); // over finished cases
		const text = weft([...db, "eval", "compare", "base", "half"]);
		expect(text.code).toBe(0);
		expect(text.stdout).toContain(
			"run half has not finished (running): a case it has not run shows as removed",
		);
	});
});
