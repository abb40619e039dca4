// `weft recover` takes over a thread whose runner died (`stale`). On a failed thread it ran the failed node
// again like `weft continue`, where `graph.recover()` now refuses it (decision 0112): the CLI refuses it
// the same way, naming `weft continue`, and runs nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { root, weft } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-recover-status-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("a failed thread is not recovered: USAGE naming weft continue, nothing run", async () => {
	const broken = `${join(root, "packages/cli/test/fixtures/loop-graph.ts")}#broken`;
	const failed = await weft([...db, "run", broken, "--thread", "f"]);
	expect(failed.code).not.toBe(0);
	const before = await weft([...db, "--json", "history", "f"]);
	const r = await weft([...db, "--json", "recover", "f"]);
	expect(r.code).toBe(2);
	expect(r.json.error.code).toBe("USAGE");
	expect(r.json.error.message).toContain('thread "f" is failed, not stale');
	expect(r.json.error.hint).toContain(`weft ${db.join(" ")} continue f`);
	const after = await weft([...db, "--json", "history", "f"]);
	expect(after.json).toEqual(before.json);
	expect(r.stdout).not.toContain("the disk is full");
}, 120_000);

// Outside check (7 Dec): with --graph, `recover` and `continue` of a thread the store does not have made
// it (status failed, no checkpoint) instead of the "no thread" every other command answers.
it("recover and continue of an unknown thread with --graph: USAGE no thread, nothing written", async () => {
	const echo = `${join(root, "packages/cli/test/fixtures/review-graph.ts")}#echo`;
	expect((await weft([...db, "run", echo, "--thread", "known"])).code).toBe(0);
	for (const command of ["recover", "continue"]) {
		const r = await weft([...db, "--graph", echo, "--json", command, "ghost"]);
		expect(r.code).toBe(2);
		expect(r.json.error).toMatchObject({
			code: "USAGE",
			message: 'no thread "ghost" in this store',
		});
		const threads = await weft([...db, "threads", "--json"]);
		expect(
			threads.json.map((t: { threadId: string }) => t.threadId),
		).not.toContain("ghost");
	}
}, 120_000);
