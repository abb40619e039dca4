import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "./run-cli.ts";

// Runs the tutorial of docs/cli.md as written, command by command, in one shell: `weft init` makes the
// project (in a temp folder instead of ../my-agent), `pnpm install` links it, and every `pnpm weft`
// line runs the CLI as a new process.
const dir = mkdtempSync(join(tmpdir(), "weft-tutorial-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tutorialScript(): string[] {
	const doc = readFileSync(join(root, "docs/cli.md"), "utf8");
	const part = doc.slice(
		doc.indexOf("<!-- tutorial:start -->"),
		doc.indexOf("<!-- tutorial:end -->"),
	);
	return [...part.matchAll(/```sh\n([\s\S]*?)```/g)]
		.flatMap((m) => m[1]!.split("\n"))
		.map((l) => l.trim())
		.filter((l) => l !== "" && !l.startsWith("#"))
		.map((l) => l.replaceAll("../my-agent", join(dir, "my-agent")));
}

function sh(script: string): Promise<{ code: number; out: string }> {
	return new Promise((resolve) => {
		const child = spawn("bash", ["-c", script], {
			cwd: root,
			env: { ...process.env, NO_COLOR: "1", COLUMNS: "120", CI: "true" },
			stdio: ["ignore", "pipe", "pipe"],
		});
		let out = "";
		child.stdout.on("data", (d: Buffer) => {
			out += d;
		});
		child.stderr.on("data", (d: Buffer) => {
			out += d;
		});
		child.on("close", (code) => resolve({ code: code ?? -1, out }));
	});
}

describe("the tutorial in docs/cli.md", () => {
	it("runs end to end: init, test, graph, run, watch, pending, approve, history, diff, fork, continue, replay", async () => {
		const lines = tutorialScript();
		expect(lines[0]).toMatch(/^pnpm weft init /);
		expect(lines.length).toBeGreaterThan(12);
		// each command echoed, and the first failure stops the script with its exit code
		const script = [
			"set -e",
			...lines.map((l) => `echo ${JSON.stringify(`$ ${l}`)}\n${l}`),
		].join("\n");
		const r = await sh(script);
		expect(r.code, r.out).toBe(0);
		expect(r.out).toContain(
			"│  agent  │ ┄┄▶ tools | approve | end (conditional)",
		);
		expect(r.out).toMatch(
			/interrupted at "approve" \(id \w+\): approve send_email\(\{"to":"bob@example.com"/,
		);
		expect(r.out).toContain("done · thread office-1");
		expect(r.out).toContain("tool send_email: sent to bob@example.com");
		expect(r.out).toContain('approve send_email({"to":"ann@example.com"');
		expect(r.out).toContain("The user rejected this call");
		expect(r.out).toContain("(head)");
	}, 1_200_000);
});
