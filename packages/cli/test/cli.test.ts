import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, weft } from "./run-cli.ts";

const module = join(root, "examples/src/human-approval.ts");

describe("weft (SQLite file)", () => {
	let dir: string;
	let db: string[];
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), "weft-cli-"));
		db = ["--db", join(dir, "weft.db")];
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("runs a graph to its approval, lists it as pending, and approves it from another process", () => {
		const run = weft([
			...db,
			"--json",
			"run",
			module,
			"--thread",
			"t1",
			"--input",
			'{"request":"ship on Friday"}',
		]);
		expect(run.code).toBe(0);
		expect(run.json).toMatchObject({
			threadId: "t1",
			status: "interrupted",
			interrupts: [{ node: "approve" }],
		});
		const pending = weft([...db, "--json", "pending"]);
		expect(pending.json).toEqual([
			expect.objectContaining({
				threadId: "t1",
				node: "approve",
				value: {
					human: "review",
					request: { draft: "Dear team, ship on Friday." },
				},
			}),
		]);
		const approved = weft([...db, "--json", "approve", "t1"]);
		expect(approved.code).toBe(0);
		expect(approved.json).toMatchObject({
			status: "done",
			values: { sent: "sent #1" },
		});
	});

	it("lists threads and a thread's history without reading state", () => {
		const threads = weft([...db, "--json", "threads"]);
		expect(threads.json).toEqual([
			expect.objectContaining({ threadId: "t1", status: "done", step: 2 }),
		]);
		const history = weft([...db, "--json", "history", "t1"]);
		expect(
			history.json.map((h: { step: number; source: string }) => [
				h.step,
				h.source,
			]),
		).toEqual([
			[2, "loop"],
			[1, "loop"],
			[0, "input"],
		]);
		const text = weft([...db, "history", "t1"]);
		expect(text.stdout).toMatch(/step.*checkpoint.*source/);
		expect(text.stdout).toContain("approve");
	});

	it("shows a past state and diffs two checkpoints", () => {
		const show = weft([...db, "--json", "show", "t1", "--at", "1"]);
		expect(show.json).toMatchObject({
			step: 1,
			values: { draft: "Dear team, ship on Friday.", sent: "" },
			next: ["approve"],
		});
		const diff = weft([...db, "--json", "diff", "t1", "1", "2"]);
		expect(diff.json).toEqual([
			{ path: ["sent"], kind: "changed", before: "", after: "sent #1" },
		]);
		const text = weft([...db, "diff", "t1", "1", "2"]);
		expect(text.stdout).toContain("sent");
	});

	it("forks a past checkpoint and replays it as a new branch", () => {
		const approvedAt = weft([...db, "--json", "show", "t1"]).json
			.checkpointId as string;
		const fork = weft([
			...db,
			"--json",
			"fork",
			"t1",
			"--at",
			"1",
			"--set",
			"draft=Dear team, we ship Monday.",
		]);
		expect(fork.code).toBe(0);
		const replay = weft([
			...db,
			"--json",
			"replay",
			"t1",
			"--from",
			fork.json.checkpointId,
		]);
		expect(replay.json).toMatchObject({ status: "interrupted" });
		const rejected = weft([
			...db,
			"--json",
			"reject",
			"t1",
			"--reason",
			"too early",
		]);
		expect(rejected.json).toMatchObject({
			status: "done",
			values: { draft: "Dear team, we ship Monday. (rejected: too early)" },
		});
		const original = weft([
			...db,
			"--json",
			"show",
			"t1",
			"--at",
			approvedAt.slice(-12),
		]);
		expect(original.json.values.sent).toBe("sent #1");
	});

	it("refuses an answer that fails the response schema, leaving the request pending", () => {
		weft([
			...db,
			"--json",
			"run",
			module,
			"--thread",
			"t2",
			"--input",
			'{"request":"x"}',
		]);
		const bad = weft([
			...db,
			"--json",
			"resume",
			"t2",
			"--value",
			'{"action":"edit"}',
		]);
		expect(bad.code).toBe(1);
		expect(bad.json.error).toMatchObject({ code: "VALIDATION_FAILED" });
		expect(bad.json.error.issues[0].path).toEqual(["draft"]);
		expect(
			weft([...db, "--json", "pending", "--thread", "t2"]).json,
		).toHaveLength(1);
	});

	it("reports mistakes with a code, a message and a hint, and no stack trace unless --debug", () => {
		const missing = weft([...db, "show", "nobody"]);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('no thread "nobody"');
		expect(missing.stderr).toContain("hint:");
		expect(missing.stderr).not.toMatch(/\n\s+at /);
		const badJson = weft([...db, "run", module, "--input", "{nope"]);
		expect(badJson.code).toBe(2);
		expect(badJson.stderr).toContain("--input is not valid JSON");
		const badInput = weft([
			...db,
			"--debug",
			"run",
			module,
			"--input",
			'{"request": 42}',
		]);
		expect(badInput.code).toBe(1);
		expect(badInput.stderr).toContain("error VALIDATION_FAILED");
		expect(badInput.stderr).toMatch(/\n\s+at /);
		const notGraph = join(dir, "not-a-graph.mjs");
		writeFileSync(notGraph, "export const x = 1;\n");
		const none = weft([...db, "run", notGraph]);
		expect(none.code).toBe(2);
		expect(none.stderr).toContain("exports no compiled graph");
		expect(weft(["--help"]).code).toBe(0);
		expect(weft(["frobnicate"]).code).toBe(2);
	});
});
