// `weft approve` reads the pending request, then runs the answer: another process that answers in between
// comes first. The late answer is refused as the thread's state (NO_PENDING_INTERRUPT, exit 1), in words that
// say what happened: not "failed", and no hint to `weft continue` a thread that another answer already
// moved on. The fixture's module answers the request itself when the CLI loads it, after the read.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000 });

const graph = join(root, "packages/cli/test/fixtures/answered-first-graph.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-answered-meanwhile-"));
const path = join(dir, "weft.db");
const db = ["--db", path];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("an answer another process gave first", () => {
	it("is refused as answered meanwhile, and the other answer stands", async () => {
		expect((await weft([...db, "run", graph, "--thread", "note"])).code).toBe(
			0,
		);
		const late = await weft([...db, "approve", "note"], {
			env: { WEFT_TEST_ANSWER_FIRST: path, WEFT_TEST_THREAD: "note" },
		});
		expect(late.code).toBe(1);
		expect(late.stderr).toContain("error NO_PENDING_INTERRUPT");
		expect(late.stderr).toContain("answered meanwhile");
		expect(late.stderr).toContain("this answer was not stored");
		expect(late.stderr).not.toContain("continue note");
		expect(late.stderr).toMatch(/weft --db \S+ show note/);
		expect(late.stdout).not.toMatch(/\bfailed\b/);
		expect(late.stdout).not.toContain("resuming");
		// the first answer (a rejection) is what the thread holds
		const shown = await weft([...db, "--json", "show", "note"]);
		expect(shown.json.values.published).toBe(false);
		expect(
			(await weft([...db, "--json", "pending", "--thread", "note"])).json,
		).toEqual([]);
	});

	it("a run on new input that replaced the request in between: said so in CLI words, the new request named", async () => {
		expect((await weft([...db, "run", graph, "--thread", "again"])).code).toBe(
			0,
		);
		const late = await weft([...db, "approve", "again"], {
			env: {
				WEFT_TEST_ANSWER_FIRST: path,
				WEFT_TEST_THREAD: "again",
				WEFT_TEST_NEW_INPUT: "1",
			},
		});
		expect(late.code).toBe(1);
		expect(late.stderr).toContain("this answer was not stored");
		expect(late.stderr).not.toContain("getState");
		expect(late.stderr).toMatch(/weft --db \S+ pending/);
		expect(late.stdout).not.toContain("resuming");
		// the new request waits, unanswered
		const pending = (
			await weft([...db, "--json", "pending", "--thread", "again"])
		).json as { id: string }[];
		expect(pending).toHaveLength(1);
		expect(late.stderr).toContain(pending[0]!.id);
	});

	it("still prints 'failed in' for a node that fails after it took the answer", async () => {
		expect((await weft([...db, "run", graph, "--thread", "boom"])).code).toBe(
			0,
		);
		const r = await weft([...db, "approve", "boom"], {
			env: { WEFT_TEST_FAIL_AFTER_ANSWER: "1" },
		});
		expect(r.code).toBe(1);
		expect(r.stdout).toContain('failed in "review"');
		expect(r.stderr).toContain("error NODE_FAILED");
	});
});
