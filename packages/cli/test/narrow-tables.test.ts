// On a narrow terminal no table breaks an id, a status, a number or a time over two lines: free text wraps,
// and rows too wide even so print as records (`name value` lines).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import stringWidth from "string-width";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { root, weft, weftCommand } from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

const dir = mkdtempSync(join(tmpdir(), "weft-narrow-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = ["--db", join(dir, "w.db")];
const review = join(root, "packages/cli/test/fixtures/review-graph.ts");
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** `weft …` in a pseudo-terminal (util-linux `script`) of `cols` columns (0: one that reports none). */
function inPty(args: string[], cols: number, env: Record<string, string> = {}) {
	const command = `stty cols ${cols}; ${[...weftCommand, ...args].map(quote).join(" ")}`;
	return new Promise<{ code: number; out: string }>((resolve) => {
		const child = spawn("script", ["-qfec", command, "/dev/null"], {
			cwd: root,
			env: { ...process.env, NO_COLOR: "1", CI: undefined, ...env },
			stdio: ["ignore", "pipe", "pipe"],
		});
		let out = "";
		child.stdout.on("data", (d: Buffer) => {
			out += d;
		});
		child.on("close", (code) =>
			resolve({ code: code ?? -1, out: stripVTControlCharacters(out) }),
		);
	});
}

describe("tables on a narrow terminal", () => {
	/** Per command, what must show whole. */
	const whole: Record<string, string[]> = {};
	beforeAll(async () => {
		for (const thread of ["a-long-thread-name-here", "t2"])
			expect(
				(
					await weft([
						...db,
						"run",
						review,
						"--thread",
						thread,
						"--input",
						'{"topic":"the Friday release and what it means for the team"}',
					])
				).code,
			).toBe(0);
		await weft([
			...db,
			"feedback",
			"t2",
			"--score",
			"1",
			"--label",
			"helpful",
			"--comment",
			"a long comment that has to wrap on a narrow terminal, word by word",
		]);
		const history = await weft([...db, "--json", "history", "t2"]);
		const pending = await weft([...db, "--json", "pending"]);
		whole.threads = ["a-long-thread-name-here", "interrupted"];
		whole.pending = [
			"a-long-thread-name-here",
			...pending.json.map((p: { id: string }) => p.id),
		];
		whole.history = history.json.map((h: { checkpointId: string }) =>
			h.checkpointId.slice(-12),
		);
		whole.feedback = ["helpful"];
	});

	it("keeps every id, status and time whole at 40 columns, and at COLUMNS=40 on a terminal that reports 0", async () => {
		for (const [cols, env] of [
			[40, {}],
			[0, { COLUMNS: "40" }],
		] as const)
			for (const command of [
				["threads"],
				["pending"],
				["history", "t2"],
				["logs", "t2"],
				["feedback", "list"],
				["feedback", "stats"],
				["stats"],
			]) {
				const r = await inPty([...db, ...command], cols, env);
				const what = `${command.join(" ")} at ${cols}`;
				expect(r.code, what).toBe(0);
				const lines = r.out.split(/\r?\n/);
				// no table wider than the screen: the terminal would fold it (prose under a table may fold)
				for (const l of lines.filter((l) => /[│┌└├]/.test(l)))
					expect(stringWidth(l), `${what}: ${l}`).toBeLessThanOrEqual(40);
				for (const token of command[1] === "stats"
					? []
					: (whole[command[0]!] ?? []))
					expect(r.out, `${what}: ${token}`).toContain(token);
				if (command[0] === "threads")
					expect(r.out).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
			}
	});

	it("keeps interrupt ids whole in pending's long requests at 10 columns", async () => {
		const count = (out: string, token: string) => out.split(token).length - 1;
		const wide = await inPty([...db, "pending"], 200);
		const narrow = await inPty([...db, "pending"], 10);
		expect(narrow.code).toBe(0);
		for (const token of whole.pending!) {
			// the table's records and each long request's heading: both name it, whole
			expect(count(wide.out, token), token).toBeGreaterThan(0);
			expect(count(narrow.out, token), token).toBe(count(wide.out, token));
		}
	});
});
