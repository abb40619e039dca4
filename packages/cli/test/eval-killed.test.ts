// Outside check (evals, 7 Dec): a `weft eval` killed mid-case (SIGKILL) was listed by `weft eval list` as
// `running`, with nothing more, and resuming it waited in silence for the dead process's lease on the
// case's thread (up to a minute, then THREAD_BUSY). Now the list says its runner is gone, and the resume
// takes over a lease whose holder is a process of this machine that has exited, saying so (decision 0243).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, weftSync as weft, weftCommand } from "./run-cli.ts";

const module = join(root, "packages/cli/test/fixtures/eval-graph.ts");

describe("a weft eval killed mid-case", { timeout: 240_000 }, () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-eval-killed-"));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("is listed with its runner gone, and resumes without waiting for its lease", async () => {
		const db = ["--db", join(dir, "weft.db")];
		const dataset = join(dir, "cases.jsonl");
		writeFileSync(
			dataset,
			[
				'{"id": "france", "input": {"question": "france"}, "expected": "Paris"}',
				'{"id": "sum", "input": {"question": "sum"}, "expected": "5"}',
			].join("\n"),
		);
		const evalArgs = [
			"eval",
			module,
			"--dataset",
			dataset,
			"--run",
			"k1",
			"--scorer",
			"exact",
			"--concurrency",
			"1",
		];
		// a lease of ten minutes: waiting for it to lapse would outlast the resume's minute of leaseWaitMs
		const env = { WEFT_EVAL_LEASE_TTL_MS: "600000" };
		const child = spawn(
			weftCommand[0]!,
			[...weftCommand.slice(1), ...db, ...evalArgs],
			{
				cwd: root,
				env: {
					...process.env,
					...env,
					NO_COLOR: "1",
					WEFT_EVAL_HANG_ON: "sum",
				},
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
		const closed = new Promise((r) => child.on("close", r));
		const sumRunning = () =>
			weft([...db, "--json", "threads"]).json?.some(
				(t: { threadId: string; status: string }) =>
					t.threadId === "k1:sum" && t.status === "running",
			) === true;
		for (let i = 0; i < 300 && !(out.includes("france") && sumRunning()); i++)
			await new Promise((r) => setTimeout(r, 100));
		expect(sumRunning(), out).toBe(true);
		// alive, it is running, and nothing more
		const live = weft([...db, "eval", "list"]);
		expect(live.stdout).toMatch(/k1\s*│\s*k1\s*│\s*running\s*│/);
		expect(live.stdout).not.toContain("runner gone");

		child.kill("SIGKILL");
		await closed;
		const list = weft([...db, "eval", "list"]);
		expect(list.stdout).toMatch(/k1\s*│\s*k1\s*│\s*running \(runner gone\)/);
		expect(list.stdout).toContain(
			`run k1: its process (pid ${child.pid} on this machine) has exited mid-run`,
		);
		expect(list.stdout).toContain("--run k1");
		const json = weft([...db, "--json", "eval", "list"]).json;
		expect(json[0]).toMatchObject({
			id: "k1",
			status: "running",
			runnerGone: { pid: child.pid },
		});

		const resumed = weft([...db, "--json", ...evalArgs], { env });
		expect(resumed.stderr).toContain(
			`case sum: the process that ran it (pid ${child.pid} on this machine) has exited`,
		);
		expect(resumed.json, resumed.stderr).toMatchObject({ resumed: 1 });
		expect(
			resumed.json.cases.map((c: { caseId: string; status: string }) => [
				c.caseId,
				c.status,
			]),
		).toEqual([
			["france", "done"],
			["sum", "done"],
		]);
		const after = weft([...db, "eval", "list"]);
		expect(after.stdout).toMatch(/k1\s*│\s*k1\s*│\s*done/);
		expect(after.stdout).not.toContain("runner gone");
	});
});
