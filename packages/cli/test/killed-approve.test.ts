// A `weft approve` killed after its run took the answer (its step never committed) left the thread with
// nothing pending; approving again said only "it may have been answered already", though what goes on is
// `weft recover` (decision 0209: recover goes on with the dead run's answer).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { root, weft, weftCommand } from "./run-cli.ts";

vi.setConfig({ testTimeout: 300_000 });

const dir = mkdtempSync(join(tmpdir(), "weft-killed-approve-"));
const db = ["--db", join(dir, "weft.db")];
const graph = join(root, "packages/cli/test/fixtures/answered-first-graph.ts");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("approving again while a run has the answer says to watch it; after that run was killed, names the dead process and weft recover", async () => {
	const paused = await weft([...db, "run", graph, "--thread", "k"]);
	expect(paused.code, paused.stderr).toBe(0);
	const approve = spawn(
		weftCommand[0]!,
		[...weftCommand.slice(1), ...db, "approve", "k"],
		{
			cwd: root,
			env: {
				...process.env,
				NO_COLOR: "1",
				WEFT_TEST_HOLD_AFTER_ANSWER: join(dir, "never"),
			},
			stdio: "ignore",
		},
	);
	const closed = new Promise((resolve) => approve.on("close", resolve));
	// killed once its run has taken the answer: nothing waits any more
	for (;;) {
		const pending = (await weft([...db, "--json", "pending"]))
			.json as unknown[];
		if (pending.length === 0) break;
		await new Promise((r) => setTimeout(r, 50));
	}
	// while it runs: follow it
	const meanwhile = await weft([...db, "--json", "approve", "k"]);
	expect(meanwhile.code).not.toBe(0);
	expect((meanwhile.json as { error: { hint: string } }).error.hint).toContain(
		`a run has the answer and is running now: follow it with \`weft --db ${db[1]} watch k\``,
	);
	approve.kill("SIGKILL");
	await closed;

	const again = await weft([...db, "--json", "approve", "k"]);
	expect(again.code).not.toBe(0);
	const error = (again.json as { error: { code: string; hint: string } }).error;
	expect(error.code).toBe("NO_PENDING_INTERRUPT");
	expect(error.hint).toContain(`process ${approve.pid}`);
	expect(error.hint).toContain(`weft --db ${db[1]} recover k`);
	expect(error.hint).not.toContain("answered already");
});

it("approving a thread whose run has asked nothing yet says so, not that a run has the answer", async () => {
	const run = spawn(
		weftCommand[0]!,
		[...weftCommand.slice(1), ...db, "run", graph, "--thread", "early"],
		{
			cwd: root,
			env: {
				...process.env,
				NO_COLOR: "1",
				WEFT_TEST_HOLD_BEFORE_ASK: join(dir, "never"),
			},
			stdio: "ignore",
		},
	);
	const closed = new Promise((resolve) => run.on("close", resolve));
	try {
		// its first step runs (the thread is in the store, running) and asks nothing
		for (;;) {
			const threads = (await weft([...db, "--json", "threads"])).json as {
				threadId: string;
				status: string;
			}[];
			if (threads.some((t) => t.threadId === "early" && t.status === "running"))
				break;
			await new Promise((r) => setTimeout(r, 50));
		}
		const meanwhile = await weft([...db, "--json", "approve", "early"]);
		expect(meanwhile.code).not.toBe(0);
		const hint = (meanwhile.json as { error: { hint: string } }).error.hint;
		expect(hint).not.toContain("answer and");
		expect(hint).toContain(`weft --db ${db[1]} watch early`);
	} finally {
		// a failed expectation leaves no run waiting for its file
		run.kill("SIGKILL");
		await closed;
	}

	const gone = await weft([...db, "--json", "approve", "early"]);
	const error = (gone.json as { error: { code: string; hint: string } }).error;
	expect(error.code).toBe("NO_PENDING_INTERRUPT");
	expect(error.hint).toContain(`process ${run.pid}`);
	expect(error.hint).not.toContain("took the answer");
});
