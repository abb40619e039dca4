// `weft approve --edit` on an agent's tool approval changes the keys it gives and keeps the others.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { editText } from "../src/tool-call-edit.ts";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000 });

const agent = join(root, "packages/cli/templates/agent/src/agent.ts");
const twoMails = join(root, "packages/cli/test/fixtures/two-mails-agent.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-edit-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("weft approve --edit", () => {
	it("merges the given keys into the tool call's arguments and says what it changed", async () => {
		const run = await weft([
			...db,
			"run",
			agent,
			"--thread",
			"mail",
			"--scopes",
			"mail:send",
			"-m",
			"Tell Bob the release is on Friday",
		]);
		expect(run.code).toBe(0);
		const edited = await weft([
			...db,
			"approve",
			"mail",
			"--edit",
			'{"body":"The release moved to Monday."}',
		]);
		expect(edited.code).toBe(0);
		expect(edited.stdout).toContain(
			"edit send_email: body replaced; to kept as it was",
		);
		const end = await weft([...db, "--json", "show", "mail"]);
		expect(end.json.values.messages.at(-1)).toMatchObject({
			role: "assistant",
			content: "Done: sent to bob@example.com: The release moved to Monday.",
		});
	});

	it("refuses an edit naming an argument the tool does not have, and one the tool's schema refuses, printing no edit summary", async () => {
		const run = await weft([
			...db,
			"run",
			agent,
			"--thread",
			"typo",
			"--scopes",
			"mail:send",
			"-m",
			"Tell Bob the release is on Friday",
		]);
		expect(run.code).toBe(0);
		const typo = await weft([
			...db,
			"approve",
			"typo",
			"--edit",
			'{"bdy":"release moved to Monday"}',
		]);
		expect(typo.code).toBe(1);
		expect(typo.stderr).toContain("error VALIDATION_FAILED");
		expect(typo.stderr).toContain(
			'"send_email" has no argument "bdy": its arguments are to, body',
		);
		// the refusal alone: no "edit …: bdy replaced" before it
		expect(typo.stdout).not.toContain("replaced");
		expect(typo.stdout).not.toContain("resuming thread");
		const bad = await weft([
			...db,
			"approve",
			"typo",
			"--edit",
			'{"to":"not-an-email"}',
		]);
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain("error VALIDATION_FAILED");
		expect(bad.stdout).not.toContain("replaced");
		// the request stays pending and the original values were not sent
		const pending = await weft([
			...db,
			"--json",
			"pending",
			"--thread",
			"typo",
		]);
		expect(pending.json).toHaveLength(1);
		const edited = await weft([
			...db,
			"approve",
			"typo",
			"--edit",
			'{"body":"release moved to Monday"}',
		]);
		expect(edited.code).toBe(0);
		expect(edited.stdout).toContain(
			"edit send_email: body replaced; to kept as it was\nresuming thread typo",
		);
	});

	it("edits one of several tool calls by its id (--call), approving the others as they are", async () => {
		const run = await weft([
			...db,
			"run",
			twoMails,
			"--thread",
			"two",
			"-m",
			"mail them",
		]);
		expect(run.code).toBe(0);
		// without --call: which call is meant is a guess; the hint is a command that works as printed
		const unsaid = await weft([
			...db,
			"approve",
			"two",
			"--edit",
			'{"body":"Hello Bob"}',
		]);
		expect(unsaid.code).toBe(2);
		expect(unsaid.stderr).toContain("2 tool calls wait for approval");
		expect(unsaid.stderr).toContain(
			`weft --db ${join(dir, "weft.db")} approve two --call <id> --edit '{"body":"Hello Bob"}'`,
		);
		expect(unsaid.stderr).toContain(
			"mail-ann (send_email), mail-bob (send_email)",
		);
		// the byId form of a whole answer, with every call's decision (as the graph requires)
		expect(unsaid.stderr).toContain(
			`'{"byId":{"mail-ann":{"action":"approve"},"mail-bob":{"action":"approve"}}}'`,
		);
		const unknown = await weft([
			...db,
			"approve",
			"two",
			"--call",
			"mail-eve",
			"--edit",
			"{}",
		]);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('no tool call "mail-eve" waits');
		const edited = await weft([
			...db,
			"approve",
			"two",
			"--call",
			"mail-bob",
			"--edit",
			'{"body":"Hello Bob"}',
		]);
		expect(edited.stderr).toBe("");
		expect(edited.code).toBe(0);
		expect(edited.stdout).toContain(
			"edit send_email (mail-bob): body replaced; to kept as it was; 1 other call approved as it is",
		);
		const end = await weft([...db, "--json", "show", "two"]);
		const tools = end.json.values.messages.filter(
			(m: { role: string }) => m.role === "tool",
		);
		expect(tools.map((m: { content: string }) => m.content)).toEqual([
			"sent to ann@example.com: Hi Ann",
			"sent to bob@example.com: Hello Bob",
		]);
	});

	it("says, when the saved scopes do not cover an approval, to give --scopes (not to leave them out)", async () => {
		const run = await weft([
			...db,
			"run",
			agent,
			"--thread",
			"unscoped",
			"-m",
			"Tell Bob hi",
		]);
		expect(run.code).toBe(0);
		const refused = await weft([...db, "approve", "unscoped"]);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain("lacks mail:send");
		expect(refused.stderr).toContain(
			`hint: thread unscoped has no scopes saved (it ran without --scopes, or a server ran it: the CLI does not see a server run's context): answer as a caller granted them (\`weft ${db.join(" ")} approve unscoped --scopes mail:send\`), or reject it; the request is still pending`,
		);
	});

	it("says several arguments kept in the plural", () => {
		const request = {
			id: "i1",
			node: "approve",
			value: {
				human: "approve",
				request: {
					toolCalls: [
						{
							id: "c1",
							name: "send_email",
							args: { to: "a", cc: "b", body: "x" },
						},
					],
				},
			},
		};
		expect(
			editText(request as never, {
				action: "edit",
				args: { to: "a", cc: "b", body: "y" },
			}),
		).toBe("edit send_email: body replaced; to, cc kept as they were");
	});
});
