import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

// every step starts a real `weft` process: seconds each on a busy machine
vi.setConfig({ testTimeout: 600_000 });

const agent = join(root, "packages/cli/templates/agent/src/agent.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-off-head-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The command a run's `answer with:` line offers first (`weft … approve …`), as words to run again. */
function offeredApprove(stdout: string): string[] {
	const line = stdout.split("\n").find((l) => l.startsWith("answer with: "));
	expect(line).toBeDefined();
	const approve = line!.slice("answer with: ".length).split(" | ")[0]!;
	// `weft --db <file> approve <thread> [--checkpoint <id>]`: the words after the store's flags
	return approve.split(" ").slice(3);
}

describe("a run that pauses on a branch other than the thread's newest", () => {
	it("offers answer commands that name the branch's checkpoint, and they answer it", async () => {
		const run = await weft([
			...db,
			"run",
			agent,
			"--thread",
			"oh-1",
			"--scopes",
			"mail:send",
			"-m",
			"Tell Bob the release is on Friday",
		]);
		expect(run.code).toBe(0);
		// two branches from the approval's checkpoint (step 3), each with the mail sent to someone else
		// (the model's message replaced by its id): the second is the newest head
		const forks: string[] = [];
		for (const to of ["ann@example.com", "carl@example.com"]) {
			const call = {
				id: `call-${to}`,
				name: "send_email",
				args: { to, body: "hi" },
			};
			const fork = await weft([
				...db,
				"--json",
				"fork",
				"oh-1",
				"--at",
				"3",
				"--set",
				`messages=${JSON.stringify({ role: "assistant", id: "ai-4", content: "", toolCalls: [call] })}`,
			]);
			expect(fork.code).toBe(0);
			forks.push(fork.json.checkpointId as string);
		}
		// the first fork runs on and asks again: its request waits on a head that is not the newest
		const cont = await weft([...db, "continue", "oh-1", "--from", forks[0]!]);
		expect(cont.code).toBe(0);
		expect(cont.stdout).toContain(
			'approve send_email({"to":"ann@example.com","body":"hi"})?',
		);
		const words = offeredApprove(cont.stdout);
		expect(words).toEqual([
			"approve",
			"oh-1",
			"--checkpoint",
			forks[0]!.slice(-12),
		]);
		const answered = await weft([...db, ...words]);
		expect(answered.stderr).toBe("");
		expect(answered.code).toBe(0);
		expect(answered.stdout).toContain("done · thread oh-1");
		expect(answered.stdout).toContain("sent to ann@example.com: hi");
	});
});
