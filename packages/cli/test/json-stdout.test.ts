// `--json` output is for scripts (`weft run … --json | jq`): what a graph prints to stdout (console.log,
// a raw write, when its module loads or a node runs) goes to stderr, so stdout holds the JSON alone.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { weftSync as weft } from "./run-cli.ts";

const fixture = fileURLToPath(
	new URL("./fixtures/printing-graph.ts", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "weft-json-stdout-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("--json and graphs that print", () => {
	it("keeps stdout for the JSON result: the graph's prints go to stderr", () => {
		const db = join(dir, "weft.db");
		const r = weft([
			"--db",
			db,
			"run",
			`${fixture}#graph`,
			"--input",
			'{"text":"hi"}',
			"--json",
		]);
		expect(r.code).toBe(0);
		expect(r.json).toMatchObject({ status: "done", values: { text: "HI" } });
		expect(r.stderr).toContain("printing-graph: loaded");
		expect(r.stderr).toContain("printing-graph: shouting hi");
		expect(r.stderr).toContain("printing-graph: a raw write");
		// without --json, what the graph prints stays where it wrote it
		const plain = weft(["--db", db, "run", `${fixture}#graph`]);
		expect(plain.code).toBe(0);
		expect(plain.stdout).toContain("printing-graph: shouting");
	});
});
