import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 300_000 });

const dir = mkdtempSync(join(tmpdir(), "weft-usage-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("command-line mistakes", () => {
	it("are a USAGE error: in JSON on stdout with --json, as `error USAGE` and a hint without (exit 2)", async () => {
		const cases: Array<[string[], RegExp]> = [
			[["history", "t", "--bogus"], /unknown option '--bogus'/],
			[["frob"], /unknown command 'frob'/],
			[["history"], /missing required argument 'thread'/],
			[["threads", "--limit"], /argument missing/],
		];
		for (const [args, message] of cases) {
			const r = await weft([...db, "--json", ...args]);
			expect(r.code).toBe(2);
			expect(r.json?.error).toMatchObject({ code: "USAGE" });
			expect(r.json.error.message).toMatch(message);
			expect(r.json.error.message).not.toMatch(/^error:/);
			expect(r.json.error.hint).toMatch(/--help/);
			expect(r.stderr).toBe("");
			// --json after the mistake counts too
			const late = await weft([...db, ...args, "--json"]);
			expect(late.code).toBe(2);
			expect(late.json?.error?.code).toBe("USAGE");
			const text = await weft([...db, ...args]);
			expect(text.code).toBe(2);
			expect(text.stdout).toBe("");
			expect(text.stderr).toMatch(message);
			// the format of every usage error (docs/cli.md), not commander's help dump (audit, 2 Dec)
			expect(text.stderr).toMatch(/^error USAGE /);
			expect(text.stderr).toMatch(/hint: see `weft.*--help`/);
			expect(text.stderr).not.toContain("Options:");
		}
	});

	it("no command named: the help and a USAGE error (exit 2); with --json only the error, on stdout", async () => {
		const text = await weft(db);
		expect(text.code).toBe(2);
		expect(text.stdout).toBe("");
		expect(text.stderr).toMatch(/^Usage: weft/);
		expect(text.stderr).toContain(`error USAGE weft needs a command`);
		expect(text.stderr).toMatch(/hint: pick one of the commands above/);
		const json = await weft([...db, "--json"]);
		expect(json.code).toBe(2);
		expect(json.stderr).toBe("");
		expect(json.json?.error).toMatchObject({
			code: "USAGE",
			message: `weft needs a command`,
		});
		expect(json.json.error.hint).toMatch(/--help` lists its commands/);
	});
});

describe("weft run -m on a graph whose state has no messages key", () => {
	// found from outside (7 Dec): the hint said "the state schema has no key \\"messages\\": add it to the
	// schema or fix the name", of a name the user never typed
	it("says -m sets `messages`, which this graph has not, and lists its keys", async () => {
		const graph = join(root, "packages/cli/test/fixtures/long-step-graph.ts");
		const r = await weft([...db, "run", graph, "-m", "hello"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(
			`error USAGE -m adds a user message to the state's "messages" key, and this graph's state has none (its keys: ms, done)`,
		);
		expect(r.stderr).toContain("hint: give this graph's input with --input");
		expect(r.stderr).not.toContain("fix the name");
	});
});
