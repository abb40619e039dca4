// A run that fails (the recursion limit, a node that throws) stays visible afterwards: `weft threads`
// and `weft show` say the thread failed and why, from what the runtime recorded at its last checkpoint.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { damageNewestCheckpoint, root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000 });

const fixture = join(root, "packages/cli/test/fixtures/loop-graph.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-failed-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a failed run, afterwards", () => {
	beforeAll(async () => {
		const loop = await weft([
			...db,
			"run",
			`${fixture}#graph`,
			"--thread",
			"loop",
		]);
		expect(loop.code).toBe(1);
		expect(loop.stderr).toContain(
			"error GRAPH_RECURSION_LIMIT the run reached the recursion limit of 100 supersteps",
		);
		// the CLI's words: weft run has no recursionLimit to raise, continue runs on from the stop
		expect(loop.stderr).toContain("`weft --db");
		expect(loop.stderr).toContain("continue loop`");
		expect(loop.stderr).not.toContain("run config");
		const broken = await weft([
			...db,
			"run",
			`${fixture}#broken`,
			"--thread",
			"broken",
		]);
		expect(broken.code).toBe(1);
		const reducer = await weft([
			...db,
			"run",
			`${fixture}#badReducer`,
			"--thread",
			"reducer",
		]);
		expect(reducer.code).toBe(1);
		// "run the thread again" in the CLI's words
		expect(broken.stderr).toMatch(
			/hint: fix the node, then run on from where it failed with `weft --db \S+ continue broken`/,
		);
	});

	it("weft threads says which threads failed, and why", async () => {
		const text = await weft([...db, "threads"]);
		expect(text.stdout).toMatch(/│ loop +│ failed/);
		expect(text.stdout).toContain(
			'loop failed at "tick": GRAPH_RECURSION_LIMIT the run reached the recursion limit of 100 supersteps',
		);
		expect(text.stdout).toContain('broken failed at "boom": NODE_FAILED');
		// the node finished, its update's merge failed: recorded all the same (at the step it is due)
		expect(text.stdout).toMatch(
			/reducer failed at "add": NODE_FAILED .*the reducer cannot add/,
		);
		const json = await weft([...db, "--json", "threads"]);
		const loop = json.json.find(
			(t: { threadId: string }) => t.threadId === "loop",
		);
		expect(loop).toMatchObject({
			status: "failed",
			error: {
				node: "tick",
				code: "GRAPH_RECURSION_LIMIT",
				message: expect.stringContaining("100"),
			},
		});
	});

	it("weft threads lists every thread when a failed one's newest checkpoint is damaged, and says so", async () => {
		const damaged = join(dir, "damaged.db");
		copyFileSync(db[1]!, damaged);
		damageNewestCheckpoint(damaged, "broken");
		const text = await weft(["--db", damaged, "threads"]);
		expect(text.code).toBe(0);
		expect(text.stdout).toMatch(/│ loop +│ failed/);
		expect(text.stdout).toMatch(/│ broken +│ failed/);
		expect(text.stdout).toMatch(
			/broken failed, its newest checkpoint could not be read: checkpoint "[^"]+" of thread "broken" is corrupt/,
		);
		const json = await weft(["--db", damaged, "--json", "threads"]);
		expect(json.code).toBe(0);
		const broken = json.json.find(
			(t: { threadId: string }) => t.threadId === "broken",
		);
		expect(broken.status).toBe("failed");
		expect(broken.unreadable).toContain("is corrupt");
		expect(broken.error).toBeUndefined();
	});

	it("weft show says the thread failed at its checkpoint, with the error's code and message", async () => {
		const loop = await weft([...db, "show", "loop"]);
		expect(loop.stdout).toContain(
			'failed at "tick": GRAPH_RECURSION_LIMIT the run reached the recursion limit of 100 supersteps',
		);
		const broken = await weft([...db, "show", "broken"]);
		expect(broken.stdout).toMatch(
			/failed at "boom": NODE_FAILED .*the disk is full/,
		);
		const json = await weft([...db, "--json", "show", "loop"]);
		expect(Object.values(json.json.errors)).toEqual([
			{
				node: "tick",
				code: "GRAPH_RECURSION_LIMIT",
				message: expect.any(String),
			},
		]);
	});

	it("names the thread it made in the error of a run without --thread (text and --json)", async () => {
		const json = await weft([...db, "--json", "run", `${fixture}#broken`]);
		expect(json.code).toBe(1);
		const threadId: string = json.json.threadId;
		expect(threadId).toMatch(/^run-/);
		expect(json.json.error.hint).toContain(`continue ${threadId}\``);
		const text = await weft([...db, "run", `${fixture}#broken`]);
		expect(text.stderr).toMatch(/continue run-\S+`/);
		expect(text.stderr).not.toContain("<thread>");
		// refused before anything ran: no thread is left, and none is named
		const refused = await weft([
			...db,
			"--json",
			"run",
			`${fixture}#broken`,
			"--input",
			'{"count":"x"}',
		]);
		expect(refused.json.error.code).toBe("VALIDATION_FAILED");
		expect(refused.json.threadId).toBeUndefined();
	});
});
