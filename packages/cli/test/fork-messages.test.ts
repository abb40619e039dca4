// Found from outside (CLI audit, 4 Dec): a message given to `weft fork --set`/`--patch` (or `weft run
// --input`) in the form `weft show --json` prints it, `{ role, content, id, toolCalls }`, lost its tool
// calls without a word: the fork at an agent's approval held an assistant message with no call, and
// `weft continue` went past the approval running no tool at all.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000 });

const twoMails = join(root, "packages/cli/test/fixtures/two-mails-agent.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-fork-messages-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("messages in the form weft prints them, given back to weft", () => {
	it("fork --set keeps an assistant message's toolCalls, and the fork's approval sends the changed call", async () => {
		const run = await weft([
			...db,
			"run",
			twoMails,
			"--thread",
			"mails",
			"-m",
			"mail them",
		]);
		expect(run.code, run.stderr).toBe(0);
		const shown = await weft([...db, "--json", "show", "mails"]);
		const asked = shown.json.values.messages.at(-1);
		expect(asked.toolCalls).toHaveLength(2);
		// the printed message, one argument changed, as a user copies it into a fork
		const changed = {
			...asked,
			toolCalls: asked.toolCalls.map(
				(c: { id: string; args: Record<string, unknown> }) =>
					c.id === "mail-ann"
						? { ...c, args: { ...c.args, body: "Hi Ann, moved to Monday" } }
						: c,
			),
		};
		const forked = await weft([
			...db,
			"--json",
			"fork",
			"mails",
			"--at",
			shown.json.checkpointId,
			"--set",
			`messages=${JSON.stringify(changed)}`,
		]);
		expect(forked.code, forked.stderr).toBe(0);
		const head = await weft([
			...db,
			"--json",
			"show",
			"mails",
			"--at",
			forked.json.checkpointId,
		]);
		expect(head.json.values.messages.at(-1)).toEqual(changed);

		// the fork still shows the request it was made at; approving that one finds the approval asking
		// about the changed call (decision 0174): nothing is sent, and the request shown now is the changed one
		const first = await weft([
			...db,
			"--json",
			"approve",
			"mails",
			"--checkpoint",
			forked.json.checkpointId,
		]);
		expect(first.code, first.stderr).toBe(0);
		expect(first.json.status).toBe("interrupted");
		expect(JSON.stringify(first.json.interrupts)).toContain(
			"Hi Ann, moved to Monday",
		);
		const approved = await weft([...db, "approve", "mails"]);
		expect(approved.code, approved.stderr).toBe(0);
		const end = await weft([...db, "--json", "show", "mails"]);
		expect(
			end.json.values.messages
				.filter((m: { role: string }) => m.role === "tool")
				.map((m: { content: string }) => m.content),
		).toEqual([
			"sent to ann@example.com: Hi Ann, moved to Monday",
			"sent to bob@example.com: Hi Bob",
		]);
	});

	it("fork --patch keeps a tool message's toolCallId", async () => {
		const run = await weft([
			...db,
			"run",
			twoMails,
			"--thread",
			"reply",
			"-m",
			"mail them",
		]);
		expect(run.code, run.stderr).toBe(0);
		const shown = await weft([...db, "--json", "show", "reply"]);
		const [ann, bob] = shown.json.values.messages.at(-1).toolCalls;
		const replies = [ann, bob].map((c: { id: string }) => ({
			role: "tool",
			content: `sent by hand (${c.id})`,
			name: "send_email",
			toolCallId: c.id,
		}));
		const forked = await weft([
			...db,
			"--json",
			"fork",
			"reply",
			"--at",
			shown.json.checkpointId,
			"--patch",
			JSON.stringify({ messages: replies }),
			"--as-node",
			"tools",
		]);
		expect(forked.code, forked.stderr).toBe(0);
		const head = await weft([
			...db,
			"--json",
			"show",
			"reply",
			"--at",
			forked.json.checkpointId,
		]);
		expect(head.json.values.messages.slice(-2)).toMatchObject(replies);
	});
});
