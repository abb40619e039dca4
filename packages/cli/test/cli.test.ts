import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

const module = join(root, "examples/src/human-approval.ts");
// every step starts a real `weft` process: seconds each on a busy machine
vi.setConfig({ testTimeout: 600_000 });

describe("weft (SQLite file)", async () => {
	let dir: string;
	let db: string[];
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), "weft-cli-"));
		db = ["--db", join(dir, "weft.db")];
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("runs a graph to its approval, lists it as pending, and approves it from another process", async () => {
		const run = await weft([
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
		const pending = await weft([...db, "--json", "pending"]);
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
		const approved = await weft([...db, "--json", "approve", "t1"]);
		expect(approved.code).toBe(0);
		expect(approved.json).toMatchObject({
			status: "done",
			values: { sent: "sent #1" },
		});
	});

	it("lists threads and a thread's history without reading state", async () => {
		const threads = await weft([...db, "--json", "threads"]);
		expect(threads.json).toEqual([
			expect.objectContaining({ threadId: "t1", status: "done", step: 2 }),
		]);
		const history = await weft([...db, "--json", "history", "t1"]);
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
		const text = await weft([...db, "history", "t1"]);
		expect(text.stdout).toMatch(/step.*checkpoint.*source/);
		expect(text.stdout).toContain("approve");
	});

	it("shows a past state and diffs two checkpoints", async () => {
		const show = await weft([...db, "--json", "show", "t1", "--at", "1"]);
		expect(show.json).toMatchObject({
			step: 1,
			values: { draft: "Dear team, ship on Friday.", sent: "" },
			next: ["approve"],
		});
		const diff = await weft([...db, "--json", "diff", "t1", "1", "2"]);
		expect(diff.json).toEqual([
			{ path: ["sent"], kind: "changed", before: "", after: "sent #1" },
		]);
		const text = await weft([...db, "diff", "t1", "1", "2"]);
		expect(text.stdout).toContain("sent");
	});

	it("forks a past checkpoint and continues the new branch", async () => {
		const approvedAt = (await weft([...db, "--json", "show", "t1"])).json
			.checkpointId as string;
		const fork = await weft([
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
		const replay = await weft([
			...db,
			"--json",
			"continue",
			"t1",
			"--from",
			fork.json.checkpointId,
		]);
		expect(replay.json).toMatchObject({ status: "interrupted" });
		const rejected = await weft([
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
		const original = await weft([
			...db,
			"--json",
			"show",
			"t1",
			"--at",
			approvedAt.slice(-12),
		]);
		expect(original.json.values.sent).toBe("sent #1");
	});

	it("refuses an answer that fails the response schema, leaving the request pending", async () => {
		await weft([
			...db,
			"--json",
			"run",
			module,
			"--thread",
			"t2",
			"--input",
			'{"request":"x"}',
		]);
		const bad = await weft([
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
			(await weft([...db, "--json", "pending", "--thread", "t2"])).json,
		).toHaveLength(1);
	});

	it("reports mistakes with a code, a message and a hint, and no stack trace unless --debug", async () => {
		const missing = await weft([...db, "show", "nobody"]);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('no thread "nobody"');
		expect(missing.stderr).toContain("hint:");
		expect(missing.stderr).not.toMatch(/\n\s+at /);
		const badJson = await weft([...db, "run", module, "--input", "{nope"]);
		expect(badJson.code).toBe(2);
		expect(badJson.stderr).toContain("--input is not valid JSON");
		const badInput = await weft([
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
		const none = await weft([...db, "run", notGraph]);
		expect(none.code).toBe(2);
		expect(none.stderr).toContain("exports no compiled graph");
		expect((await weft(["--help"])).code).toBe(0);
		expect((await weft(["frobnicate"])).code).toBe(2);
		// a --postgres that is not a URL is a usage mistake, refused before any connection (audit, 2 Dec)
		const notUrl = await weft(["--postgres", "notaurl", "threads"]);
		expect(notUrl.code).toBe(2);
		expect(notUrl.stderr).toContain(
			'--postgres "notaurl" is not a Postgres URL',
		);
	});

	// found by the outside new-user audit (2 Dec): --debug printed the wrapper's stack only
	it("--debug prints the causes' stacks too: a node's own error, a module that fails to import", async () => {
		// inside the workspace, so that the module sees Weft's packages
		const here = mkdtempSync(join(root, "packages/cli/.debug-test-"));
		const throwing = join(here, "throwing.mjs");
		writeFileSync(
			throwing,
			`import { StateGraph, START, END } from "@weft/graph";
import { z } from "zod";
export const graph = new StateGraph(z.object({ n: z.number().default(0) }))
	.addNode("boom", () => { throw new TypeError("the user's own bug"); })
	.addEdge(START, "boom").addEdge("boom", END).compile();
`,
		);
		const failed = await weft([...db, "--debug", "run", throwing]);
		rmSync(here, { recursive: true, force: true });
		expect(failed.code).toBe(1);
		expect(failed.stderr).toContain("caused by: TypeError: the user's own bug");
		expect(failed.stderr).toContain("throwing.mjs");
		const broken = join(dir, "broken.mjs");
		writeFileSync(broken, 'throw new Error("config missing");\n');
		const imported = await weft([...db, "--debug", "run", broken]);
		expect(imported.code).toBe(2);
		expect(imported.stderr).toContain("caused by: Error: config missing");
		expect(imported.stderr).toContain("broken.mjs");
		const quiet = await weft([...db, "run", broken]);
		expect(quiet.stderr).not.toMatch(/\n\s+at /);
	});
});
