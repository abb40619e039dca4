// A terminal whose locale is not UTF-8 (ISO-8859-1, LANG=de_DE) shows UTF-8 box drawing as garbage: there
// the CLI's human output is ASCII (tables keep their shape), while --json keeps the data as it is.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 120_000 });

const dir = mkdtempSync(join(tmpdir(), "weft-locale-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = ["--db", join(dir, "w.db")];
const review = join(root, "packages/cli/test/fixtures/review-graph.ts");
const topic = "café · naïve";

const latin1 = {
	LANG: undefined,
	LC_CTYPE: undefined,
	LC_ALL: "en_US.ISO-8859-1",
};
const ascii = (s: string) => [...s].every((c) => c.charCodeAt(0) < 128);

beforeAll(async () => {
	const r = await weft([
		...db,
		"run",
		review,
		"--thread",
		"t",
		"--input",
		JSON.stringify({ topic }),
	]);
	expect(r.code).toBe(0);
});

describe("a locale that is not UTF-8", () => {
	for (const args of [
		["history", "t"],
		["show", "t"],
		["threads"],
		["pending"],
		["diff", "t", "0", "1"],
		["--help"],
		["approve", "--help"],
		["dev", "--help"],
	])
		it(`weft ${args.join(" ")} writes ASCII`, async () => {
			for (const env of [
				latin1,
				{ LC_ALL: undefined, LC_CTYPE: undefined, LANG: "de_DE" },
			]) {
				const r = await weft([...db, ...args], { env });
				expect(r.code).toBe(0);
				expect(ascii(r.stdout)).toBe(true);
				expect(ascii(r.stderr)).toBe(true);
			}
		});

	it("draws a table with ASCII borders in its shape, and the data's own accents as ?", async () => {
		const r = await weft([...db, "history", "t"], { env: latin1 });
		const lines = r.stdout.trimEnd().split("\n");
		expect(lines[0]).toMatch(/^\+-+\+/);
		expect(lines[1]).toMatch(/^\| step/);
		expect(new Set(lines.map((l) => l.length)).size).toBe(1);
		const show = await weft([...db, "show", "t"], { env: latin1 });
		expect(show.stdout).toContain("caf? - na?ve");
	});

	it("an error and its hint are ASCII too", async () => {
		const r = await weft([...db, "history", "nosuch"], { env: latin1 });
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('no thread "nosuch"');
		expect(ascii(r.stderr)).toBe(true);
	});

	it("--json keeps the data as it is", async () => {
		const r = await weft([...db, "--json", "show", "t"], { env: latin1 });
		expect(r.json.values.topic).toBe(topic);
	});

	it("weft mcp's protocol on stdout keeps the data as it is", async () => {
		const { spawn } = await import("node:child_process");
		const { weftCommand } = await import("./run-cli.ts");
		const child = spawn(
			weftCommand[0]!,
			[
				...weftCommand.slice(1),
				...db,
				"mcp",
				"--graph",
				`review=${review}#graph`,
			],
			{ cwd: root, env: { ...process.env, ...latin1, LANG: "", LC_CTYPE: "" } },
		);
		let out = "";
		child.stdout.on("data", (d: Buffer) => {
			out += d;
		});
		const request = (id: number, method: string, params: unknown) =>
			child.stdin.write(
				`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`,
			);
		request(1, "initialize", {
			protocolVersion: "2025-06-18",
			capabilities: {},
			clientInfo: { name: "test", version: "1" },
		});
		request(2, "tools/call", {
			name: "review",
			arguments: { topic },
		});
		await vi.waitFor(() => expect(out).toContain('"id":2'), {
			timeout: 60_000,
		});
		child.kill();
		expect(out).toContain("café");
	});

	it("a UTF-8 locale, no locale and the C/POSIX locale (containers, CI) keep the box drawing", async () => {
		for (const LANG of ["C.UTF-8", undefined, "C", "POSIX"]) {
			const r = await weft([...db, "history", "t"], {
				env: { LC_ALL: undefined, LC_CTYPE: undefined, LANG },
			});
			expect(r.stdout, String(LANG)).toContain("┌");
		}
	});
});
