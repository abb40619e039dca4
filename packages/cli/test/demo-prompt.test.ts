import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the demo's prompt in a terminal", () => {
	// Ctrl-D is the end of input, not an interrupt: as with no terminal, the run waits for an answer (exit 0)
	it("leaves on Ctrl-D (no answer) saying the run is saved and how to answer it, exit code 0", async () => {
		// a pseudo-terminal (util-linux `script`) whose input the test types into
		const child = spawn(
			"script",
			["-qfec", `pnpm -s demo --db ${join(dir, "d.db")}`, "/dev/null"],
			{
				cwd: root,
				env: { ...process.env, CI: undefined, NO_COLOR: "1" },
				stdio: ["pipe", "pipe", "pipe"],
			},
		);
		let out = "";
		let typed = false;
		child.stdout.on("data", (d: Buffer) => {
			out += d;
			if (!typed && out.includes("approve [a], reject")) {
				typed = true;
				child.stdin.write("\u0004");
			}
		});
		const code = await new Promise<number>((resolve) =>
			child.on("close", (c) => resolve(c ?? -1)),
		);
		const text = stripVTControlCharacters(out);
		expect(text).not.toContain("AbortError");
		expect(text).toContain("no answer: the run is saved");
		expect(text).toMatch(/pnpm weft --db \S+ approve research-/);
		expect(code).toBe(0);
	}, 600_000);

	it("prints its pnpm weft hints with the db named from the folder pnpm demo was typed in", async () => {
		// pnpm runs the script in the checkout's root (where --db reads from) and names the typed folder
		// INIT_CWD, from where `pnpm weft` reads the paths typed on its line
		const typedIn = join(root, "docs");
		const db = join(dir, "typed.db");
		const child = spawn(
			"pnpm",
			["-s", "demo", "--yes", "--db", relative(root, db)],
			{
				cwd: typedIn,
				env: { ...process.env, CI: undefined, NO_COLOR: "1" },
				stdio: ["ignore", "pipe", "pipe"],
			},
		);
		let out = "";
		child.stdout.on("data", (d: Buffer) => {
			out += d;
		});
		const code = await new Promise<number>((resolve) =>
			child.on("close", (c) => resolve(c ?? -1)),
		);
		expect(code).toBe(0);
		expect(stripVTControlCharacters(out)).toContain(
			`pnpm weft --db ${relative(typedIn, db)} history`,
		);
	}, 600_000);

	it('asks again on an answer that is not a, r or e ("no" does not approve), then takes a', async () => {
		const child = spawn(
			"script",
			["-qfec", `pnpm -s demo --db ${join(dir, "n.db")}`, "/dev/null"],
			{
				cwd: root,
				env: { ...process.env, CI: undefined, NO_COLOR: "1" },
				stdio: ["pipe", "pipe", "pipe"],
			},
		);
		let out = "";
		let step = 0;
		child.stdout.on("data", (d: Buffer) => {
			out += d;
			if (step === 0 && out.includes("approve [a], reject")) {
				step = 1;
				child.stdin.write("no\r");
			} else if (step === 1 && out.includes("type a to approve")) {
				step = 2;
				child.stdin.write("a\r");
			}
		});
		const code = await new Promise<number>((resolve) =>
			child.on("close", (c) => resolve(c ?? -1)),
		);
		const text = stripVTControlCharacters(out);
		expect(step).toBe(2);
		expect(text.indexOf("type a to approve")).toBeGreaterThan(
			text.indexOf("approve [a], reject"),
		);
		expect(text).toContain("answer: approve");
		expect(code).toBe(0);
	}, 600_000);
});
