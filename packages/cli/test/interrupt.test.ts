import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, startRun, weft, weftCommand } from "./run-cli.ts";

vi.setConfig({ testTimeout: 300_000 });

const dir = mkdtempSync(join(tmpdir(), "weft-int-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// its first node ignores its abort signal and waits for a file that never comes
const module = join(root, "packages/cli/test/fixtures/slow-graph.ts");

/** Starts `weft run` on a node that never ends, and sends `signals` once it runs. */
async function interrupted(
	db: string,
	thread: string,
	signals: NodeJS.Signals[],
	/** Between two signals: a person's second Ctrl-C, not one keypress relayed twice. */
	gapMs = 100,
): Promise<{ code: number | null; out: string; ms: number }> {
	const { child, output, closed } = await startRun(
		["--db", db],
		module,
		thread,
		join(dir, "never"),
	);
	await new Promise((r) => setTimeout(r, 2500)); // inside the node now
	const start = Date.now();
	for (const s of signals) {
		child.kill(s);
		await new Promise((r) => setTimeout(r, gapMs));
	}
	const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
	const code = await closed;
	clearTimeout(timer);
	return { code, out: output(), ms: Date.now() - start };
}

describe("Ctrl-C and SIGTERM while a node ignores its signal", () => {
	it("exits 130 within seconds with the lease released: `weft continue` runs at once", async () => {
		for (const signal of ["SIGINT", "SIGTERM"] as const) {
			const db = join(dir, `${signal}.db`);
			const r = await interrupted(db, "t", [signal]);
			expect(r.code).toBe(130);
			expect(r.ms).toBeLessThan(15_000);
			expect(r.out).toContain(`weft --db ${db} continue t`);
			const next = await weft(["--db", db, "--json", "continue", "t"]);
			expect(next.json?.error).toBeUndefined();
			expect(next.code).toBe(0);
			expect(next.json).toMatchObject({ status: "done" });
		}
	});

	it("exits at once on a second Ctrl-C", async () => {
		const r = await interrupted(
			join(dir, "twice.db"),
			"t",
			["SIGINT", "SIGINT"],
			800,
		);
		expect(r.code).toBe(130);
		expect(r.ms).toBeLessThan(3_000);
	});
});

describe("a closed stdout (weft run … | head -2)", () => {
	it("does not kill the run: it goes on to its end, output dropped, lease released", async () => {
		const db = join(dir, "pipe.db");
		const child = spawn(
			weftCommand[0]!,
			[...weftCommand.slice(1), "--db", db, "run", module, "--thread", "p"],
			{
				cwd: root,
				env: { ...process.env, NO_COLOR: "1", WEFT_TTY_RELEASE: undefined },
				stdio: ["ignore", "pipe", "pipe"],
			},
		);
		let stderr = "";
		child.stderr.on("data", (d: Buffer) => {
			stderr += d;
		});
		// read the first line, then close the pipe as `head` does
		child.stdout.once("data", () => child.stdout.destroy());
		const code = await new Promise<number | null>((resolve) =>
			child.on("close", (c) => resolve(c)),
		);
		expect(stderr).not.toContain("EPIPE");
		expect(code).toBe(0);
		const threads = await weft(["--db", db, "--json", "threads"]);
		expect(threads.json[0]).toMatchObject({
			threadId: "p",
			status: "done",
			lease: null,
		});
	});
});
