import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft, weftCommand } from "./run-cli.ts";

vi.setConfig({ testTimeout: 300_000 });

const dir = mkdtempSync(join(tmpdir(), "weft-term-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const module = join(root, "packages/cli/test/fixtures/one-token-graph.ts");
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * Runs `weft` in a pseudo-terminal (util-linux `script`). Started without a terminal of its own, the
 * pseudo-terminal reports 0 columns and 0 rows, as the issue's `script -qfc` session did.
 */
function inPty(
	args: string[],
	env: Record<string, string | undefined>,
	/** Shell run before weft in the pseudo-terminal, e.g. `stty cols 150;` */
	before = "",
): Promise<{ code: number; out: string }> {
	const command = `${before}${[...weftCommand, ...args].map(quote).join(" ")}`;
	return new Promise((resolve) => {
		const child = spawn("script", ["-qfec", command, "/dev/null"], {
			cwd: root,
			env: { ...process.env, ...env },
			stdio: ["ignore", "pipe", "pipe"],
		});
		let out = "";
		child.stdout.on("data", (d: Buffer) => {
			out += d;
			// more than a run could print: the display is looping
			if (out.length > 2_000_000) child.kill("SIGKILL");
		});
		const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
		child.on("close", (code) => {
			clearTimeout(timer);
			resolve({ code: code ?? -1, out });
		});
	});
}

const hasScript = (() => {
	try {
		execFileSync("script", ["--version"]);
		return true;
	} catch {
		process.stderr.write(
			"notice: util-linux `script` is missing: the pseudo-terminal tests are skipped\n",
		);
		return false;
	}
})();

describe.skipIf(!hasScript)("the live display on any terminal", () => {
	it("finishes a run on a terminal that reports 0 columns, with a ticking timer and '1 token'", async () => {
		const r = await inPty(
			["--db", join(dir, "a.db"), "run", module, "--thread", "zero"],
			{
				CI: undefined,
				TERM: "xterm-256color",
			},
		);
		expect(r.code).toBe(0);
		expect(r.out.length).toBeLessThan(200_000);
		expect(stripVTControlCharacters(r.out)).toContain("done · thread zero");
		expect(r.out).not.toContain("\u001b[1A"); // no cursor-up: nothing to loop on
		expect(r.out).toMatch(/running think · \d+\.\ds · 1 token\b/);
		expect(r.out).not.toContain("1 tokens");
		// the timer ticks while the node runs without events
		const seconds = new Set(
			[...r.out.matchAll(/running think · (\d+\.\d)s/g)].map((m) => m[1]),
		);
		expect(seconds.size).toBeGreaterThan(1);
	});

	it("prints coloured table cells whole on a 150-column terminal (no code cut apart)", async () => {
		const db = join(dir, "tables.db");
		expect(
			(await weft(["--db", db, "run", module, "--thread", "coloured"])).code,
		).toBe(0);
		for (const command of ["threads", "history"]) {
			const r = await inPty(
				["--db", db, command, ...(command === "history" ? ["coloured"] : [])],
				{ CI: undefined, TERM: "xterm-256color", NO_COLOR: undefined },
				"stty cols 150; ",
			);
			expect(r.code).toBe(0);
			expect(r.out).toContain("\u001b["); // coloured: this is the case that broke
			const plain = stripVTControlCharacters(r.out);
			expect(plain).toContain("(end)");
			if (command === "threads") expect(plain).toMatch(/│ done +│/);
			// every ESC starts a whole sequence: nothing prints as "[39m" or "[22m"
			expect(plain).not.toMatch(/\[\d+m/);
			// one line per row: a data row of the table never continues on a second line
			const rows = plain.split(/\r?\n/).filter((l) => l.startsWith("│"));
			expect(rows.every((l) => !/^│ +│/.test(l))).toBe(true);
		}
	});

	// found from outside (6 Dec): NO_COLOR alone still redrew the status line (\r and ESC[K)
	it.each([
		["TERM=dumb", { TERM: "dumb", NO_COLOR: undefined }],
		["NO_COLOR", { TERM: "xterm-256color", NO_COLOR: "1" }],
	])("prints plain lines without escape codes for %s", async (what, env) => {
		const r = await inPty(
			["--db", join(dir, "b.db"), "run", module, "--thread", `plain-${what}`],
			{ CI: undefined, ...env },
		);
		expect(r.code).toBe(0);
		expect(r.out).toContain("step 1 think wrote text");
		expect(r.out).not.toContain("\u001b[");
	});

	it("stops on SIGTERM: the run is saved, exit code 130", async () => {
		const marker = join(dir, "started");
		const started = spawn(
			weftCommand[0]!,
			[
				...weftCommand.slice(1),
				"--db",
				join(dir, "c.db"),
				"run",
				module,
				"--thread",
				"term",
			],
			{
				cwd: root,
				env: {
					...process.env,
					WEFT_THINK_MS: "60000",
					WEFT_STARTED: marker,
					NO_COLOR: "1",
				},
				stdio: ["ignore", "pipe", "pipe"],
			},
		);
		let out = "";
		started.stdout.on("data", (d: Buffer) => {
			out += d;
		});
		const closed = new Promise<number>((resolve) =>
			started.on("close", (c) => resolve(c ?? -1)),
		);
		while (!existsSync(marker)) await new Promise((r) => setTimeout(r, 100));
		started.kill("SIGTERM");
		const code = await closed;
		expect(code).toBe(130);
		expect(out).toContain("the run is saved at its last checkpoint");
		const threads = await weft([
			"--db",
			join(dir, "c.db"),
			"--json",
			"threads",
		]);
		expect(
			threads.json.find((t: { threadId: string }) => t.threadId === "term")
				?.status,
		).toBe("cancelled");
	});
});
