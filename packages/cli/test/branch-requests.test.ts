import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

// every step starts a real `weft` process: seconds each on a busy machine
vi.setConfig({ testTimeout: 300_000 });

const module = join(root, "examples/src/human-approval.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-branches-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("requests on other branches", () => {
	it("lists a fork's request after the branch that ran last was answered", async () => {
		const run = await weft([
			...db,
			"run",
			module,
			"--thread",
			"b-1",
			"--input",
			'{"request":"the release is on Friday"}',
		]);
		expect(run.code).toBe(0);
		const original = (await weft([...db, "--json", "history", "b-1"])).json[0]
			.checkpointId as string;
		expect(
			(
				await weft([
					...db,
					"fork",
					"b-1",
					"--at",
					"0",
					"--set",
					"request=the release moved to Monday",
				])
			).code,
		).toBe(0);
		expect((await weft([...db, "continue", "b-1"])).code).toBe(0);
		// answering the original branch last makes the thread's status `done`
		const answered = await weft([
			...db,
			"approve",
			"b-1",
			"--checkpoint",
			original,
		]);
		expect(answered.code).toBe(0);
		const all = await weft([...db, "--json", "pending"]);
		expect(all.code).toBe(0);
		expect(all.json).toHaveLength(1);
		expect(all.json[0]).toMatchObject({ threadId: "b-1", node: "approve" });
		expect(all.json[0].value.request.draft).toContain("Monday");
		const text = await weft([...db, "pending"]);
		expect(text.stdout).toContain("b-1");
		expect(text.stdout).not.toContain("nothing is waiting");
		const one = await weft([...db, "--json", "pending", "--thread", "b-1"]);
		expect(one.json).toEqual(all.json);
		// a thread that is not there is an error, not "nothing is waiting" (outside check, 2 Dec)
		const unknown = await weft([...db, "pending", "--thread", "b-2"]);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('no thread "b-2"');
		// a plain approve answers the newest branch, which is done: the hint names the branch that waits
		// (outside durability audit, 2 Dec: it only pointed at `weft pending`)
		const plain = await weft([...db, "approve", "b-1"]);
		expect(plain.code).toBe(1);
		expect(plain.stderr).toContain(
			'error NO_PENDING_INTERRUPT thread "b-1" is not waiting for an answer on its newest branch',
		);
		const hinted = /answer it with --checkpoint (\S+)/.exec(plain.stderr)?.[1];
		expect(hinted).toMatch(/^[0-9a-f]{12}$/);
		// the id the hint gives is one the command takes (the short id `weft history` shows; UUIDv7 ids
		// of one thread share their first characters, so a prefix named several)
		const followed = await weft([
			...db,
			"--json",
			"show",
			"b-1",
			"--at",
			hinted!,
		]);
		expect(followed.code).toBe(0);
		expect(followed.json.next).toEqual(["approve"]);
		const approved = await weft([
			...db,
			"approve",
			"b-1",
			"--checkpoint",
			hinted!,
		]);
		expect(approved.stderr).toBe("");
		expect(approved.code).toBe(0);
	});

	it("shows a branch's head with --branch alone, refuses a branch that is not there, and hints a real step", async () => {
		const [thread] = (await weft([...db, "--json", "threads"])).json;
		expect(thread.heads).toHaveLength(2);
		const second = await weft([
			...db,
			"--json",
			"show",
			"b-1",
			"--branch",
			"2",
		]);
		expect(second.code).toBe(0);
		expect(second.json.checkpointId).toBe(thread.heads[1]);
		for (const command of [
			["show", "b-1", "--branch", "9"],
			["show", "b-1", "--at", "0", "--branch", "9"],
			["history", "b-1", "--branch", "9"],
			["logs", "b-1", "--branch", "9"],
			["diff", "b-1", "0", "1", "--branch", "9"],
		]) {
			const r = await weft([...db, "--json", ...command]);
			expect(r.code).toBe(2);
			expect(r.json.error).toMatchObject({ code: "USAGE" });
			expect(r.json.error.message).toContain("has 2 branches, not 9");
		}
		const history = await weft([...db, "history", "b-1"]);
		const hint = history.stdout.match(
			// pasteable: with the store the history read
			/weft --db \S+ show b-1 --at (\d+) --branch (\d+)/,
		);
		expect(hint).not.toBeNull();
		const shown = await weft([
			...db,
			"show",
			"b-1",
			"--at",
			hint![1]!,
			"--branch",
			hint![2]!,
		]);
		expect(shown.code).toBe(0);
	});
});
