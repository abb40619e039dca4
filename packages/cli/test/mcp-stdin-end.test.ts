// `weft mcp` when its client ends stdin (what the SDK's client does first on close()): calls in flight
// answer, then the server closes its store and exits 0. It exited 13 (Node's "unsettled top-level
// await": nothing awaited the end of stdin), the store never closed (outside audit, 5 Dec).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { root, weft, weftCommand } from "./run-cli.ts";

// its first node waits for the file WEFT_TTY_RELEASE names
const slow = fileURLToPath(
	new URL("./fixtures/slow-graph.ts", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "weft-mcp-stdin-end-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const initialize = {
	jsonrpc: "2.0",
	id: 1,
	method: "initialize",
	params: {
		protocolVersion: "2025-06-18",
		capabilities: {},
		clientInfo: { name: "raw", version: "1" },
	},
};

/** `weft mcp` as a process: lines in, lines out, and how it exited. */
function server(db: string, release: string) {
	const child = spawn(
		weftCommand[0]!,
		[
			...weftCommand.slice(1),
			"--db",
			join(dir, db),
			"mcp",
			"--graph",
			`slow=${slow}#graph`,
		],
		{ cwd: root, env: { ...process.env, WEFT_TTY_RELEASE: release } },
	);
	let stderr = "";
	child.stderr.on("data", (d: Buffer) => {
		stderr += d;
	});
	const exited = new Promise<{ code: number | null; signal: string | null }>(
		(resolve) => child.on("exit", (code, signal) => resolve({ code, signal })),
	);
	const lines = createInterface({ input: child.stdout })[
		Symbol.asyncIterator
	]();
	return {
		child,
		exited,
		stderr: () => stderr,
		send: (message: unknown) =>
			child.stdin.write(`${JSON.stringify(message)}\n`),
		next: async () => JSON.parse(String((await lines.next()).value)),
	};
}

/** Initializes and calls `slow` (request id 2). */
async function callSlow(s: ReturnType<typeof server>): Promise<void> {
	s.send(initialize);
	expect(await s.next()).toMatchObject({ id: 1 });
	s.send({ jsonrpc: "2.0", method: "notifications/initialized" });
	s.send({
		jsonrpc: "2.0",
		id: 2,
		method: "tools/call",
		params: { name: "slow", arguments: {} },
	});
}

/** `callSlow`, then waits until its run has a thread in `db`. */
async function slowCallRunning(
	s: ReturnType<typeof server>,
	db: string,
): Promise<void> {
	await callSlow(s);
	let threads: unknown[] = [];
	while (threads.length === 0)
		threads = (await weft(["--db", db, "threads", "--json"])).json ?? [];
}

describe("weft mcp at the end of its stdin", () => {
	it("exits 0 when the client ends stdin with no call running", async () => {
		const s = server("idle.db", join(dir, "unused"));
		try {
			s.send(initialize);
			expect(await s.next()).toMatchObject({ id: 1, result: {} });
			s.child.stdin.end();
			const exit = await s.exited;
			expect(exit, s.stderr()).toEqual({ code: 0, signal: null });
		} finally {
			s.child.kill("SIGKILL");
		}
	}, 60_000);

	it("answers a call still running when stdin ends, then exits 0 with the thread done and unleased", async () => {
		const release = join(dir, "release");
		const s = server("busy.db", release);
		try {
			await callSlow(s);
			s.child.stdin.end();
			writeFileSync(release, "");
			const answer = (await s.next()) as {
				id: number;
				result: { structuredContent: { status: string } };
			};
			expect(answer.id).toBe(2);
			expect(answer.result.structuredContent.status).toBe("done");
			const exit = await s.exited;
			expect(exit, s.stderr()).toEqual({ code: 0, signal: null });
		} finally {
			s.child.kill("SIGKILL");
		}
		const threads = (
			await weft(["--db", join(dir, "busy.db"), "threads", "--json"])
		).json;
		expect(threads).toHaveLength(1);
		expect(threads[0]).toMatchObject({ status: "done", lease: null });
	}, 60_000);

	it("gives up the lease of a call the client cancelled before it exits (its node ignores the signal)", async () => {
		const release = join(dir, "release-cancelled");
		const s = server("cancelled.db", release);
		const db = join(dir, "cancelled.db");
		try {
			await slowCallRunning(s, db);
			s.send({
				jsonrpc: "2.0",
				method: "notifications/cancelled",
				params: { requestId: 2, reason: "the user stopped it" },
			});
			s.child.stdin.end();
			// the node goes on (it ignores its signal) and ends once released
			writeFileSync(release, "");
			const exit = await s.exited;
			expect(exit, s.stderr()).toEqual({ code: 0, signal: null });
		} finally {
			s.child.kill("SIGKILL");
		}
		const threads = (await weft(["--db", db, "threads", "--json"])).json;
		expect(threads).toHaveLength(1);
		expect(threads[0]).toMatchObject({ status: "cancelled", lease: null });
	}, 60_000);

	it("exits 0 with the thread done when the client stopped reading its stdout during a call", async () => {
		const release = join(dir, "release-gone");
		const s = server("gone.db", release);
		const db = join(dir, "gone.db");
		try {
			await slowCallRunning(s, db);
			// the answer has nowhere to go: its write fails, and the server still ends as at the end of stdin
			s.child.stdout.destroy();
			s.child.stdin.end();
			writeFileSync(release, "");
			const exit = await s.exited;
			expect(exit, s.stderr()).toEqual({ code: 0, signal: null });
		} finally {
			s.child.kill("SIGKILL");
		}
		const threads = (await weft(["--db", db, "threads", "--json"])).json;
		expect(threads[0]).toMatchObject({ status: "done", lease: null });
	}, 60_000);
});
