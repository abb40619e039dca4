// Outside check (evals, 7 Dec): a cancelled `weft eval` printed the command that resumes it without its
// --scorer options ("and the same --scorer options"): copied as printed, it was refused CONFIG_INVALID
// (other scorers than the run's). The command printed holds them, quoted for the shell (decision 0238).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, weftSync as weft, weftCommand } from "./run-cli.ts";

const module = join(root, "packages/cli/test/fixtures/eval-graph.ts");

describe("a cancelled weft eval", { timeout: 120_000 }, () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-eval-resume-"));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("names the command that resumes it with its scorers, and that command resumes it", async () => {
		const db = ["--db", join(dir, "weft.db")];
		const dataset = join(dir, "cases.jsonl");
		writeFileSync(
			dataset,
			[
				'{"id": "france", "input": {"question": "france"}, "expected": "Paris"}',
				'{"id": "sum", "input": {"question": "sum"}, "expected": "4"}',
			].join("\n"),
		);
		const scorers = ["--scorer", "contains", "--scorer", "regex:^P a"];
		const args = [...db, "eval", module, "--dataset", dataset, "--run", "vh"];
		const child = spawn(
			weftCommand[0]!,
			[...weftCommand.slice(1), ...args, ...scorers, "--concurrency", "1"],
			{
				cwd: root,
				env: { ...process.env, NO_COLOR: "1", WEFT_EVAL_HANG_ON: "sum" },
				stdio: ["ignore", "pipe", "pipe"],
			},
		);
		let out = "";
		child.stdout.on("data", (d: Buffer) => {
			out += d;
		});
		child.stderr.on("data", (d: Buffer) => {
			out += d;
		});
		const closed = new Promise<number | null>((r) =>
			child.on("close", (code) => r(code)),
		);
		for (let i = 0; i < 600 && !out.includes("france"); i++)
			await new Promise((r) => setTimeout(r, 50));
		child.kill("SIGINT");
		expect(await closed, out).toBe(130);
		expect(out).toContain("--run vh --scorer contains --scorer 'regex:^P a'`");
		const resumed = weft([...args, ...scorers]);
		expect(resumed.stderr).toBe("");
		expect(resumed.stdout).toContain("1 kept from an earlier attempt");
	});
});
