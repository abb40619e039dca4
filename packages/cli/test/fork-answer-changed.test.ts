// Outside check (7 Dec): `weft fork --set` at an approval, then `weft approve`: the CLI showed the request as
// it was read ("A note on y."), the node asked anew on the changed state ("forked draft") and the answer
// was rightly not used (decision 0174), but nothing said so: the output read as an approval that paused
// again. Now a line says the request changed, the answer was not used, and the new one waits.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 300_000 });

const graph = join(root, "packages/cli/test/fixtures/review-graph.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-fork-answer-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("an answer to a request a fork changed says it was not used, and the new request waits", async () => {
	const run = await weft([
		...db,
		"run",
		graph,
		"--thread",
		"f",
		"--input",
		'{"topic":"y"}',
	]);
	expect(run.code).toBe(0);
	expect(
		(
			await weft([
				...db,
				"fork",
				"f",
				"--at",
				"1",
				"--set",
				"draft=forked draft",
			])
		).code,
	).toBe(0);
	const approved = await weft([...db, "approve", "f"]);
	expect(approved.stdout).toContain("A note on y.");
	expect(approved.stdout).toMatch(/request changed.*not used/);
	expect(approved.stdout).toContain("forked draft");
	const pending = (await weft([...db, "--json", "pending", "--thread", "f"]))
		.json as {
		value: unknown;
	}[];
	expect(JSON.stringify(pending[0]?.value)).toContain("forked draft");
	expect(
		(await weft([...db, "--json", "show", "f"])).json.values.published,
	).toBe(false);
});
