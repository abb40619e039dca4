// Outside check (evals, 7 Dec): `weft eval`'s table showed a case whose graph failed as `error` and a
// scorer that failed (threw, or a judge's reply off its scale) as `✗ 0`, like an honest 0, without
// saying why anywhere but in --json. The text output names the error of each (decision 0238).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, weftSync as weft } from "./run-cli.ts";

const module = join(root, "packages/cli/test/fixtures/eval-graph.ts");

describe("weft eval's text output", { timeout: 120_000 }, () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-eval-errors-"));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("names why a case errored and why a scorer failed", () => {
		const dataset = join(dir, "cases.jsonl");
		writeFileSync(
			dataset,
			[
				'{"id": "france", "input": {"question": "france"}, "expected": "Paris"}',
				'{"id": "sky", "input": {"question": "sky"}, "expected": "blue"}',
				'{"id": "blank", "input": {"question": "sum"}, "expected": " "}',
			].join("\n"),
		);
		const r = weft(
			[
				"--db",
				join(dir, "weft.db"),
				"eval",
				module,
				"--dataset",
				dataset,
				"--scorer",
				"contains",
				"--run",
				"e1",
			],
			{ env: { WEFT_EVAL_THROW_ON: "sky" } },
		);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/blank\s*│\s*done\s*│\s*✗ error/);
		expect(r.stdout).toContain(
			'sky: NODE_FAILED node "polish" failed: no polish for "sky"',
		);
		expect(r.stdout).toContain(
			'blank · contains: VALIDATION_FAILED contains: case "blank" expects " ", which any output holds',
		);
		expect(r.stdout).not.toMatch(/^france/m);
	});
});
