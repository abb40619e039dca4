// Outside check (7 Dec): `--scopes ""` was taken as "no scopes" without a word (a variable that expanded
// to nothing, `--scopes "$SCOPES"`, ran and answered as a caller with none). It names no scope: refused.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { weft } from "./run-cli.ts";

const graph = fileURLToPath(
	new URL("./fixtures/review-graph.ts", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "weft-empty-scopes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("an empty --scopes", () => {
	it("is refused as a USAGE error by run and by the answers, before anything is written", async () => {
		const db = join(dir, "weft.db");
		const run = (scopes: string, thread: string) =>
			weft([
				"--db",
				db,
				"run",
				`${graph}#graph`,
				"--thread",
				thread,
				"--input",
				'{"topic":"tides"}',
				"--scopes",
				scopes,
			]);
		for (const scopes of ["", " , "]) {
			const refused = await run(scopes, "empty");
			expect(refused.code, refused.stderr).toBe(2);
			expect(refused.stderr).toContain("error USAGE --scopes names no scope");
			expect(refused.stderr).toContain("leave --scopes out");
		}
		const paused = await run("mail:send", "t");
		expect(paused.code, paused.stderr).toBe(0);
		const threads = await weft(["--db", db, "--json", "threads"]);
		expect(threads.json.map((t: { threadId: string }) => t.threadId)).toEqual([
			"t",
		]);
		const approve = await weft(["--db", db, "approve", "t", "--scopes", ""]);
		expect(approve.code, approve.stderr).toBe(2);
		expect(approve.stderr).toContain("error USAGE --scopes names no scope");
		const pending = await weft(["--db", db, "--json", "pending"]);
		expect(pending.json).toHaveLength(1);
		// `weft mcp` takes no --scopes at all (a call over MCP has none: mcp.md)
		const mcp = await weft([
			"--db",
			db,
			"mcp",
			"--graph",
			`review=${graph}#graph`,
			"--scopes",
			"",
		]);
		expect(mcp.code).toBe(2);
		expect(mcp.stderr).toContain("unknown option '--scopes'");
	}, 90_000);
});
