import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000 });

const module = join(root, "examples/src/human-approval.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-input-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("wrong input gets the right words", () => {
	beforeAll(async () => {
		await weft([
			...db,
			"run",
			module,
			"--thread",
			"mail",
			"--input",
			'{"request":"ship"}',
		]);
	});

	it("names the bad option value, never a missing thread or an empty list", async () => {
		const limit = await weft([...db, "history", "mail", "--limit", "abc"]);
		expect(limit.code).toBe(2);
		expect(limit.stderr).toContain(
			'--limit must be a whole number of 1 or more, got "abc"',
		);
		const negative = await weft([...db, "threads", "--limit=-3"]);
		expect(negative.code).toBe(2);
		expect(negative.stderr).toContain("--limit must be a whole number");
		const failed = await weft([...db, "threads", "--status", "failed"]);
		expect(failed.stdout).toContain("no failed threads");
	});

	it("refuses to read a database file that is not there, and creates none", async () => {
		const missing = join(dir, "missing.db");
		// feedback, eval and stats made a new file there (outside check, 6 Dec)
		for (const args of [
			["threads"],
			["feedback", "t", "--score", "1"],
			["feedback", "list"],
			["eval", "list"],
			["eval", "compare", "a", "b"],
			["stats"],
		]) {
			const r = await weft(["--db", missing, ...args]);
			expect(r.code, args.join(" ")).toBe(2);
			expect(r.stderr, args.join(" ")).toContain(`no database at ${missing}`);
			expect(existsSync(missing), args.join(" ")).toBe(false);
		}
	});

	it("refuses an empty --db for reading and for a run (SQLite would make a temporary database)", async () => {
		for (const args of [
			["threads"],
			["run", module, "--input", '{"request":"x"}'],
		]) {
			const r = await weft(["--db", "", ...args]);
			expect(r.code, args[0]).toBe(2);
			expect(r.stderr, args[0]).toContain(
				"error USAGE --db needs the path of a file",
			);
		}
	});

	it("shows a fork that has not run as forked, as show does", async () => {
		await weft([...db, "approve", "mail"]);
		await weft([
			...db,
			"fork",
			"mail",
			"--at",
			"1",
			"--set",
			"draft=Dear team, Monday.",
		]);
		const threads = await weft([...db, "threads"]);
		expect(threads.stdout).toMatch(/mail\s+│\s+forked/);
		expect((await weft([...db, "--json", "show", "mail"])).json.next).toEqual([
			"approve",
		]);
	});

	it("tells a CLI user what to do with a thread that waits for nothing", async () => {
		const r = await weft([
			...db,
			"resume",
			"mail",
			"--value",
			"1",
			"--checkpoint",
			"2",
		]);
		// the thread's state refuses it, as the API does (decision 0124): not a usage mistake
		expect(r.code).toBe(1);
		expect(r.stderr).toContain(
			'error NO_PENDING_INTERRUPT thread "mail" is not waiting for an answer',
		);
		expect(r.stderr).toContain(`weft ${db.join(" ")} show mail`);
	});

	it("names a moved graph module and how to point elsewhere", async () => {
		const moved = join(dir, "moved.db");
		// beside the fixtures, so that its imports resolve
		const copy = join(
			root,
			`packages/cli/test/fixtures/moved-${process.pid}-graph.ts`,
		);
		const { copyFileSync } = await import("node:fs");
		copyFileSync(
			join(root, "packages/cli/test/fixtures/one-token-graph.ts"),
			copy,
		);
		await weft(["--db", moved, "run", copy, "--thread", "m"]);
		rmSync(copy);
		const r = await weft(["--db", moved, "show", "m"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(
			/moved-\d+-graph\.ts#graph, which is no longer at/,
		);
		expect(r.stderr).toContain("--graph");
		// --graph resolves from the current folder (the test runs weft in the repository root)
		expect(r.stderr).toContain(
			`a path from the current folder, ${root.replace(/\/$/, "")})`,
		);
	});

	it("leaves no thread behind when a run's input is refused", async () => {
		const r = await weft([
			...db,
			"--json",
			"run",
			module,
			"--thread",
			"ghost",
			"--input",
			'{"nope":1}',
		]);
		expect(r.code).toBe(1);
		expect(r.json.error.code).toBe("VALIDATION_FAILED");
		const threads = await weft([...db, "--json", "threads"]);
		expect(
			threads.json.map((t: { threadId: string }) => t.threadId),
		).not.toContain("ghost");
		// and the thread id is free for a run with the right input
		const again = await weft([
			...db,
			"--json",
			"run",
			module,
			"--thread",
			"ghost",
			"--input",
			'{"request":"ship"}',
		]);
		expect(again.json.status).toBe("interrupted");
	});

	it("filters threads by the status `forked`, as the docs list it", async () => {
		const r = await weft([...db, "--json", "threads", "--status", "forked"]);
		expect(r.code).toBe(0);
		expect(r.json.map((t: { threadId: string }) => t.threadId)).toEqual([
			"mail",
		]);
		expect(r.json[0].forked).toBe(true);
	});

	// outside check (6 Dec): a fork that was continued and paused at its own question still read
	// "forked (was interrupted)", and `--status forked` listed it, while `continue` said it waits
	it("no longer shows a fork as forked once a run went on from it and paused there", async () => {
		const run = await weft([...db, "--json", "continue", "mail"]);
		expect(run.json.status).toBe("interrupted");
		const threads = await weft([...db, "--json", "threads"]);
		const mail = threads.json.find(
			(t: { threadId: string }) => t.threadId === "mail",
		);
		expect(mail).toMatchObject({ status: "interrupted", forked: false });
		const forked = await weft([
			...db,
			"--json",
			"threads",
			"--status",
			"forked",
		]);
		expect(forked.json).toEqual([]);
	});
});
