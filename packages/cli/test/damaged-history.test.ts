// Outside check (a damaged row, 4 Dec): a thread whose newest checkpoint's metadata no longer reads made
// `weft history` and `weft replay --from` (the two commands the CORRUPT_CHECKPOINT hint names as the way
// past it) fail with the same error, and `weft threads` fail for every thread. Now history lists the
// checkpoints before the damaged one with a warning, replay runs on from one of them as a new branch, and
// threads lists the thread saying its newest checkpoint could not be read.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
	damageNewestCheckpoint,
	makeFirstCheckpointItsOwnParent,
	root,
	weft,
} from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000 });

const graph = join(root, "packages/cli/test/fixtures/answered-first-graph.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-damaged-history-"));
const path = join(dir, "weft.db");
const db = ["--db", path];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a thread whose newest checkpoint's metadata is damaged", () => {
	it("is listed, its history goes past the damaged row, and replay runs on from before it", async () => {
		for (const thread of ["ok", "bad"])
			expect((await weft([...db, "run", graph, "--thread", thread])).code).toBe(
				0,
			);
		damageNewestCheckpoint(path, "bad", "metadata");

		const threads = await weft([...db, "threads"]);
		expect(threads.code).toBe(0);
		expect(threads.stdout).toMatch(/│ ok +│ interrupted/);
		expect(threads.stdout).toMatch(
			/bad interrupted, its newest checkpoint could not be read: checkpoint "[^"]+" of thread "bad" is corrupt: its metadata is not JSON/,
		);
		const listed = await weft([...db, "--json", "threads"]);
		expect(
			listed.json.find((t: { threadId: string }) => t.threadId === "bad")
				.unreadable,
		).toContain("metadata is not JSON");

		const history = await weft([...db, "--json", "history", "bad"]);
		expect(history.code).toBe(0);
		expect(history.json.map((s: { step: number }) => s.step)).toEqual([0]);
		expect(history.stderr).toMatch(
			/warning: checkpoint \w{12} could not be read and is left out .*metadata is not JSON.*`weft --db \S+ replay bad --from <step>`/,
		);

		const replay = await weft([...db, "replay", "bad", "--from", "0"]);
		expect(replay.code).toBe(0);
		expect(replay.stdout).toContain("interrupted · thread bad");
		// the new branch is the newest head: the thread reads again, its request waits
		const pending = await weft([...db, "--json", "pending", "--thread", "bad"]);
		expect(pending.json).toHaveLength(1);

		// two branches now: the old one ends at the damaged checkpoint, which the listing names as such,
		// and the hint's commands read this store
		const branches = await weft([...db, "history", "bad"]);
		expect(branches.code).toBe(0);
		expect(branches.stdout).toMatch(
			/│ 0 +│ \w{12} │ 2 \(head damaged\) │ input/,
		);
		expect(branches.stdout).toMatch(/│ 1 +│ \w{12} │ 1 \(head\) +│ loop/);
		expect(branches.stdout).toMatch(
			/2 branches; steps count along a branch: `weft --db \S+ show bad --at 0 --branch 2`, `weft --db \S+ history bad --branch 2`/,
		);
		// the new branch's state reads, and so does the old one's checkpoint before the damaged one (getState
		// read every head's metadata: it failed on the damaged one, on any branch)
		const shown = await weft([...db, "--json", "show", "bad"]);
		expect(shown.code).toBe(0);
		expect(shown.json.interrupts).toHaveLength(1);
		const before = await weft([
			...db,
			"show",
			"bad",
			"--at",
			"0",
			"--branch",
			"2",
		]);
		expect(before.code).toBe(0);
		expect(before.stdout).toContain("step 0 · input");
		// and the request on the new branch is answered (the resume read the heads the same way)
		const approved = await weft([...db, "approve", "bad"]);
		expect(approved.code).toBe(0);
		expect(approved.stdout).toContain("done · thread bad");
	});
});

// Found from outside (CLI audit, 4 Dec): `weft pending --thread <id>` on a thread whose newest checkpoint
// no longer reads said "nothing is waiting for an answer" and exited 0 (`--json`: `[]`), although the
// request it may hold could not be read: a script took the thread for answered.
describe("weft pending --thread on a thread whose only head is damaged", () => {
	it("fails with CORRUPT_CHECKPOINT naming the thread and checkpoint; pending across threads still lists the others", async () => {
		for (const thread of ["fine", "broken"])
			expect((await weft([...db, "run", graph, "--thread", thread])).code).toBe(
				0,
			);
		const head = await weft([...db, "--json", "show", "broken"]);
		damageNewestCheckpoint(path, "broken");

		const one = await weft([...db, "pending", "--thread", "broken"]);
		expect(one.code).toBe(1);
		expect(one.stdout).not.toContain("nothing is waiting");
		expect(one.stderr).toContain(
			`error CORRUPT_CHECKPOINT checkpoint "${head.json.checkpointId}" of thread "broken" is corrupt`,
		);
		expect(one.stderr).not.toMatch(/\n\s+at /);
		const json = await weft([...db, "--json", "pending", "--thread", "broken"]);
		expect(json.code).toBe(1);
		expect(json.json.error.code).toBe("CORRUPT_CHECKPOINT");

		const all = await weft([...db, "--json", "pending"]);
		expect(all.code).toBe(0);
		expect(all.json.map((r: { threadId: string }) => r.threadId)).toContain(
			"fine",
		);
		expect(all.stderr).toContain("warning: could not read thread broken");
	});
});

// Outside review (6 Dec): walking a branch from its head follows parent ids with no end; a damaged row
// whose parent is itself (or any cycle below a head) made `weft history` go round for ever, growing its
// branch until the heap ran out.
describe("a thread whose stored parent ids form a cycle", () => {
	it("fails weft history with CORRUPT_CHECKPOINT naming the checkpoint, instead of walking for ever", async () => {
		expect((await weft([...db, "run", graph, "--thread", "cycle"])).code).toBe(
			0,
		);
		const first = makeFirstCheckpointItsOwnParent(path, "cycle");

		const history = await weft([...db, "history", "cycle"]);
		expect(history.code).toBe(1);
		expect(history.stderr).toContain(
			`error CORRUPT_CHECKPOINT checkpoint "${first}" of thread "cycle" is corrupt: it is its own ancestor`,
		);
		const json = await weft([...db, "--json", "history", "cycle"]);
		expect(json.json.error.code).toBe("CORRUPT_CHECKPOINT");
	});
});
