import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

// every step starts a real `weft` process: seconds each on a busy machine
vi.setConfig({ testTimeout: 600_000 });

const agent = join(root, "packages/cli/templates/agent/src/agent.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-agent-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("weft on agent threads (LangChain messages in state)", () => {
	it("runs a chat graph from --message, lists and shows it readably, and answers it from another process", async () => {
		const run = await weft([
			...db,
			"--json",
			"run",
			agent,
			"--thread",
			"office-1",
			"--scopes",
			"mail:send",
			"--message",
			"Tell Bob the release is on Friday",
		]);
		expect(run.code).toBe(0);
		expect(run.json).toMatchObject({
			status: "interrupted",
			interrupts: [{ node: "approve" }],
		});
		expect(run.json.values.messages[0]).toMatchObject({
			role: "user",
			content: "Tell Bob the release is on Friday",
		});

		const pending = await weft([...db, "pending"], { env: { COLUMNS: "100" } });
		expect(pending.code).toBe(0);
		expect(pending.stdout).toContain(
			'approve send_email({"to":"bob@example.com"',
		);
		// piped: not wrapped to COLUMNS, the request stays on its row's one line
		expect(pending.stdout.split("\n").filter((l) => /^│ +│/.test(l))).toEqual(
			[],
		);
		const json = await weft([...db, "--json", "pending"]);
		expect(json.json[0].value.request.toolCalls[0]).toMatchObject({
			name: "send_email",
			args: { to: "bob@example.com" },
		});

		const show = await weft([...db, "show", "office-1"]);
		expect(show.stdout).toContain("user: Tell Bob the release is on Friday");
		expect(show.stdout).toContain('assistant: lookup_email({"name":"Bob"})');
		expect(show.stdout).toContain("tool lookup_email: bob@example.com");
		expect(show.stdout).not.toContain('"lc":');

		// the saved scopes let an approver without any of their own answer
		const approved = await weft([...db, "approve", "office-1"]);
		expect(approved.code).toBe(0);
		expect(approved.stdout).toContain("done · thread office-1");
		const end = await weft([...db, "--json", "show", "office-1"]);
		expect(end.json.values.messages.at(-1)).toMatchObject({
			role: "assistant",
			content: "Done: sent to bob@example.com: the release is on Friday",
		});

		// messages are compared by id: an unchanged message is never removed and added again
		const diff = await weft([...db, "diff", "office-1", "3", "5"]);
		expect(diff.stdout).toContain("(4 unchanged messages)");
		expect(diff.stdout).toContain("+ tool send_email: sent to bob@example.com");
		expect(diff.stdout).not.toMatch(/^\s*- /m);
	});

	it("refuses an answer from a caller whose scopes do not cover the request, leaving it pending", async () => {
		await weft([
			...db,
			"run",
			agent,
			"--thread",
			"office-2",
			"--scopes",
			"mail:send",
			"-m",
			"Tell Ann hi",
		]);
		const refused = await weft([
			...db,
			"--json",
			"approve",
			"office-2",
			"--scopes",
			"mail:read",
		]);
		expect(refused.code).toBe(1);
		expect(refused.json.error).toMatchObject({ code: "VALIDATION_FAILED" });
		expect(refused.json.error.message).toContain("lacks mail:send");
		expect(refused.json.error.issues[0].path).toEqual(["scopes"]);
		expect(
			(await weft([...db, "--json", "pending", "--thread", "office-2"])).json,
		).toHaveLength(1);
		const allowed = await weft([
			...db,
			"--json",
			"approve",
			"office-2",
			"--scopes",
			"mail:*",
		]);
		expect(allowed.json).toMatchObject({ status: "done" });
	});

	it("runs and answers every branch of a fork with the scopes that branch was run with", async () => {
		const run = await weft([
			...db,
			"run",
			agent,
			"--thread",
			"ag-1",
			"--scopes",
			"mail:send",
			"-m",
			"Tell Bob the release is on Friday",
		]);
		expect(run.code).toBe(0);
		const original = (await weft([...db, "--json", "history", "ag-1"])).json[0]
			.checkpointId as string;
		const forked = await weft([
			...db,
			"fork",
			"ag-1",
			"--at",
			"0",
			"--set",
			'messages={"role":"user","content":"Tell Ann the release moved to Monday"}',
		]);
		expect(forked.code).toBe(0);
		const continued = await weft([...db, "continue", "ag-1"]);
		expect(continued.code).toBe(0);
		expect(continued.stdout).toContain("interrupted");
		// the fork's branch ran with the scopes saved with the thread: its approval goes through
		const fork = await weft([...db, "--json", "approve", "ag-1"]);
		expect(fork.json?.error).toBeUndefined();
		expect(fork.code).toBe(0);
		expect(fork.json).toMatchObject({ status: "done" });
		// and the original branch is answered with its own scopes
		const first = await weft([
			...db,
			"--json",
			"approve",
			"ag-1",
			"--checkpoint",
			original,
		]);
		expect(first.json?.error).toBeUndefined();
		expect(first.code).toBe(0);
		expect(first.json).toMatchObject({ status: "done" });
	});

	it("diffs two branches in JSON with messages by id, as {role, content}, no LangChain internals", async () => {
		const [thread] = (await weft([...db, "--json", "threads"])).json.filter(
			(t: { threadId: string }) => t.threadId === "ag-1",
		);
		expect(thread.heads.length).toBeGreaterThan(1);
		const r = await weft([
			...db,
			"--json",
			"diff",
			"ag-1",
			thread.heads[1],
			thread.heads[0],
		]);
		expect(r.code).toBe(0);
		expect(JSON.stringify(r.json)).not.toMatch(
			/lc_kwargs|"lc"|lc_serializable/,
		);
		const messages = r.json.filter(
			(d: { path: unknown[] }) => d.path[0] === "messages",
		);
		expect(messages.length).toBeGreaterThan(0);
		for (const d of messages) {
			expect(d.path).toHaveLength(2);
			expect(typeof d.path[1]).toBe("string"); // the message's id, not its position
			const m = d.after ?? d.before;
			expect(["user", "assistant", "tool", "system"]).toContain(m.role);
		}
		const texts = messages.map(
			(d: {
				kind: string;
				after?: { content: unknown };
				before?: { content: unknown };
			}) => `${d.kind} ${String((d.after ?? d.before)?.content)}`,
		);
		expect(texts.join("\n")).toMatch(/Ann|Bob/);
	});

	it("lists threads holding a type only their graph module registers, as tagged data", async () => {
		const module = join(
			root,
			"packages/cli/test/fixtures/custom-type-graph.ts",
		);
		expect(
			(await weft([...db, "run", module, "--thread", "points"])).code,
		).toBe(0);
		const pending = await weft([...db, "--json", "pending"]);
		expect(pending.code).toBe(0);
		expect(pending.json.map((p: { threadId: string }) => p.threadId)).toContain(
			"points",
		);
		expect((await weft([...db, "threads"])).code).toBe(0);
		const history = await weft([...db, "logs", "points"]);
		expect(history.code).toBe(0);
	});
});
