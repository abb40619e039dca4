import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the demo's prompt in a terminal", () => {
	it("leaves on Ctrl-D saying the run is saved and how to answer it, exit code 130", async () => {
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
		expect(code).toBe(130);
	}, 600_000);
});
