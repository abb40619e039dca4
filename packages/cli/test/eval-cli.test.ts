import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, weftSync as weft, weftCommand } from "./run-cli.ts";

const module = join(root, "packages/cli/test/fixtures/eval-graph.ts");

// each test starts several `weft` processes
describe("weft eval and weft feedback (SQLite file)", {
	timeout: 240_000,
}, () => {
	let dir: string;
	let db: string[];
	let dataset: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), "weft-eval-cli-"));
		db = ["--db", join(dir, "weft.db")];
		dataset = join(dir, "cases.jsonl");
		writeFileSync(
			dataset,
			[
				'{"id": "france", "input": {"question": "france"}, "expected": "Paris"}',
				"// a comment line",
				'{"id": "sum", "input": {"question": "sum"}, "expected": "4"}',
				'{"id": "sky", "input": {"question": "sky"}, "expected": "blue"}',
				"",
			].join("\n"),
		);
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("resumes an eval whose process died mid-case, then compares two runs case by case", () => {
		const eval1 = [
			"eval",
			module,
			"--dataset",
			dataset,
			"--scorer",
			"exact",
			"--run",
			"v1",
			"--concurrency",
			"1",
		];
		const crashed = weft([...db, ...eval1], {
			env: { WEFT_EVAL_CRASH_ON: "sum" },
		});
		expect(crashed.code).toBe(137);
		const v1 = weft([...db, "--json", ...eval1]);
		expect(v1.code).toBe(1); // a case failed
		expect(v1.json).toMatchObject({
			runId: "v1",
			resumed: 1,
			summary: { cases: 3, passed: 1 },
		});
		expect(
			v1.json.cases.map((c: { caseId: string; status: string }) => [
				c.caseId,
				c.status,
			]),
		).toEqual([
			["france", "done"],
			["sum", "done"],
			["sky", "done"],
		]);
		expect(Object.keys(v1.json.cases[0].scores)).toEqual(["exact", "has-a"]);
		const v2 = weft(
			[
				...db,
				"eval",
				module,
				"--dataset",
				dataset,
				"--run",
				"v2",
				"--scorer",
				"exact",
			],
			{
				env: { WEFT_EVAL_VERSION: "2" },
			},
		);
		expect(v2.stdout).toContain("run v2: 1/3 passed (33%)"); // has-a fails on "4" and "grey"
		const cmp = weft([...db, "--json", "eval", "compare", "v1", "v2"]);
		expect(cmp.code).toBe(1); // something got worse
		expect(
			cmp.json.rows
				.filter((r: { scorer: string }) => r.scorer === "exact")
				.map((r: { caseId: string; change: string; threadB: string }) => [
					r.caseId,
					r.change,
					r.threadB,
				]),
		).toEqual([
			["france", "same", "v2:france"],
			["sum", "better", "v2:sum"],
			["sky", "worse", "v2:sky"],
		]);
		const text = weft([...db, "eval", "compare", "v1", "v2"]);
		expect(text.stdout).toMatch(/sky\s*│\s*has-a/);
		expect(text.stdout).toContain("1 better · 1 worse");
		const list = weft([...db, "--json", "eval", "list"]);
		expect(
			list.json
				.map((r: { id: string; status: string }) => [r.id, r.status])
				.sort(),
		).toEqual([
			["v1", "done"],
			["v2", "done"],
		]);
		const missing = weft([...db, "eval", "compare", "v1", "nope"]);
		expect(missing.code).toBe(1);
		expect(missing.stderr).toContain(
			'error EVAL_NOT_FOUND no evaluation run "nope" in the store',
		);
	});

	it("refuses a bad dataset line and an unknown scorer, naming them", () => {
		const bad = join(dir, "bad.jsonl");
		writeFileSync(bad, '{"id": "a", "input": 1}\n{"id": "b", input: 2}\n');
		const r = weft([...db, "eval", module, "--dataset", bad]);
		expect(r.stderr).toContain(`error DATASET_INVALID ${bad}:2: not JSON`);
		const s = weft([
			...db,
			"eval",
			module,
			"--dataset",
			dataset,
			"--scorer",
			"fuzzy",
		]);
		expect(s.code).toBe(2);
		expect(s.stderr).toContain('unknown scorer "fuzzy"');
	});

	// outside check (6 Dec): Ctrl-C printed "error UNEXPECTED interrupted by Ctrl-C … report it" and exited 1
	it("Ctrl-C cancels the eval: exit 130, the run id to resume named, the run stored as cancelled", async () => {
		const child = spawn(
			weftCommand[0]!,
			[
				...weftCommand.slice(1),
				...db,
				"eval",
				module,
				"--dataset",
				dataset,
				"--run",
				"vc",
				"--concurrency",
				"1",
			],
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
		await new Promise((r) => setTimeout(r, 300));
		child.kill("SIGINT");
		const code = await closed;
		expect(code, out).toBe(130);
		expect(out).toContain("cancelled evaluation run vc");
		expect(out).toContain("--run vc");
		expect(out).not.toContain("UNEXPECTED");
		const list = weft([...db, "--json", "eval", "list"]);
		expect(list.json.find((r: { id: string }) => r.id === "vc")).toMatchObject({
			status: "failed",
			error: { code: "RUN_CANCELLED" },
		});
	});

	it("records feedback on a run and a checkpoint, lists it and aggregates it", () => {
		weft([...db, "eval", module, "--dataset", dataset, "--run", "fb"]);
		const history = weft([...db, "--json", "history", "fb:france"]);
		const checkpoint = history.json[0].checkpointId as string;
		// a case's thread records its graph module, as `weft run`'s do (it needed --graph)
		const show = weft([...db, "--json", "show", "fb:france"]);
		expect(show.code, show.stderr).toBe(0);
		expect(show.json.values).toMatchObject({ answer: "Paris" });
		expect(
			weft([
				...db,
				"feedback",
				"fb:france",
				"--score",
				"1",
				"--label",
				"good",
				"--by",
				"ana",
			]).stdout,
		).toContain("recorded on thread fb:france");
		weft([
			...db,
			"feedback",
			"fb:france",
			"--checkpoint",
			checkpoint,
			"--score",
			"0",
			"--comment",
			"too short",
		]);
		weft([...db, "feedback", "fb:sky", "--label", "good"]);
		const list = weft([...db, "--json", "feedback", "list", "fb:france"]);
		expect(
			list.json.map((f: { score?: number; checkpointId?: string }) => [
				f.score,
				f.checkpointId,
			]),
		).toEqual([
			[1, undefined],
			[0, checkpoint],
		]);
		const stats = weft([
			...db,
			"--json",
			"feedback",
			"stats",
			"--group-by",
			"label",
		]);
		expect(stats.json).toEqual([
			{ key: "good", count: 2, meanScore: 1, scored: 1, labels: { good: 2 } },
			{ key: "(no label)", count: 1, meanScore: 0, scored: 1, labels: {} },
		]);
		// a thread the store does not have is the command line's mistake (exit 2), as in every command
		const ghost = weft([...db, "feedback", "ghost", "--score", "1"]);
		expect(ghost.code).toBe(2);
		expect(ghost.stderr).toContain('no thread "ghost" in this store');
		const empty = weft([...db, "feedback", "fb:sky"]);
		expect(empty.stderr).toContain(
			"VALIDATION_FAILED feedback: give a score, a label or a comment",
		);
		// outside check (6 Dec): `--checkpoint 01a` (every id's start) was recorded as "01a", and the short
		// id `weft history` prints was refused; now they are read as `fork` and `diff` read them
		const short = weft([
			...db,
			"--json",
			"feedback",
			"fb:france",
			"--checkpoint",
			checkpoint.slice(-12),
			"--label",
			"short",
		]);
		expect(short.json.checkpointId).toBe(checkpoint);
		const part = weft([
			...db,
			"feedback",
			"fb:france",
			"--checkpoint",
			checkpoint.slice(0, 3),
			"--label",
			"part",
		]);
		expect(part.code).toBe(2);
		expect(part.stderr).toContain(`no checkpoint "${checkpoint.slice(0, 3)}"`);
		// "" and 0x1 are numbers to Number() (0 and 1), not scores
		for (const score of ["", "0x1", " "]) {
			const r = weft([...db, "feedback", "fb:sky", "--score", score]);
			expect(r.code, JSON.stringify(score)).toBe(2);
			expect(r.stderr).toContain("not a number");
		}
	});
});
