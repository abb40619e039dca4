// Outside check (evals, 7 Dec): a case whose graph hung held `weft eval` until Ctrl-C. `--case-timeout`
// cancels that case's run, records it as an error naming the limit, and the eval goes on (decision 0243).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, weft } from "./run-cli.ts";

const module = join(root, "packages/cli/test/fixtures/eval-graph.ts");

describe("weft eval --case-timeout", { timeout: 120_000 }, () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-eval-timeout-"));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));
	const dataset = join(dir, "cases.jsonl");
	writeFileSync(
		dataset,
		[
			'{"id": "sum", "input": {"question": "sum"}, "expected": "5"}',
			'{"id": "france", "input": {"question": "france"}, "expected": "Paris"}',
		].join("\n"),
	);
	const args = (run: string, timeout: string) => [
		"--db",
		join(dir, "weft.db"),
		"eval",
		module,
		"--dataset",
		dataset,
		"--concurrency",
		"1",
		"--run",
		run,
		"--case-timeout",
		timeout,
	];

	it("records a case that never ends as an error naming the limit, runs the next one and exits", async () => {
		const r = await weft(args("t1", "1500ms"), {
			env: { WEFT_EVAL_STUCK_ON: "sum" },
		});
		expect(r.code, r.stderr).toBe(1);
		expect(r.stdout).toContain(
			'sum: RUN_CANCELLED case "sum" ran out of time: its run was cancelled after 1500 ms (caseTimeoutMs)',
		);
		expect(r.stdout).toContain("✓ france");
		expect(r.stdout).toContain("1/2 passed");
		// the timed-out case's thread is not left `running` for a runner that is gone
		const threads = await weft(["--db", join(dir, "weft.db"), "threads"]);
		expect(threads.stdout).toMatch(/t1:sum\s*│\s*cancelled/);
	});

	it("a duration without a unit, or of 0, is USAGE", async () => {
		for (const bad of ["5", "0", "soon"]) {
			const r = await weft(args(`u-${bad}`, bad));
			expect(r.code, bad).toBe(2);
			expect(r.stderr).toContain(`--case-timeout ${bad}`);
		}
	});
});
