// Outside check (7 Dec): `weft fork --as-node <a node the graph lacks>` exited 1 with the API's words
// (`updateState: asNode …`), where every other mistake in a command line exits 2 (USAGE).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { weft } from "./run-cli.ts";

const graph = fileURLToPath(
	new URL("./fixtures/review-graph.ts", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "weft-as-node-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("weft fork --as-node", () => {
	it("refuses a node the graph lacks as a USAGE error (exit 2) naming the graph's nodes, and writes nothing", async () => {
		const db = join(dir, "weft.db");
		const run = await weft([
			"--db",
			db,
			"run",
			`${graph}#graph`,
			"--thread",
			"t",
			"--input",
			'{"topic":"tides"}',
		]);
		expect(run.code, run.stderr).toBe(0);
		const before = await weft(["--db", db, "--json", "history", "t"]);
		const refused = await weft([
			"--db",
			db,
			"fork",
			"t",
			"--at",
			"1",
			"--set",
			"draft=x",
			"--as-node",
			"wirte",
		]);
		expect(refused.code, refused.stderr).toBe(2);
		expect(refused.stderr).toContain("error USAGE");
		expect(refused.stderr).toContain('--as-node "wirte"');
		expect(refused.stderr).toMatch(/hint: .*write, review/);
		expect(refused.stderr).not.toContain("updateState");
		const json = await weft([
			"--db",
			db,
			"--json",
			"fork",
			"t",
			"--at",
			"1",
			"--set",
			"draft=x",
			"--as-node",
			"wirte",
		]);
		expect(json.code).toBe(2);
		expect(json.json.error.code).toBe("USAGE");
		const after = await weft(["--db", db, "--json", "history", "t"]);
		expect(after.json).toEqual(before.json);
		// a node of the graph is taken, as before
		const ok = await weft([
			"--db",
			db,
			"fork",
			"t",
			"--at",
			"1",
			"--set",
			"draft=x",
			"--as-node",
			"write",
		]);
		expect(ok.code, ok.stderr).toBe(0);
	}, 90_000);
});
