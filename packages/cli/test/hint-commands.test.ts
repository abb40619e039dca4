// The commands a hint names are typed as this command was: with its --db / --postgres, so that pasting
// one reads the same store (a hint's bare `weft threads` listed ./weft.db, or said there was none).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000 });

const fixture = join(root, "packages/cli/test/fixtures/review-graph.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-hint-"));
const file = join(dir, "my db.sqlite");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("commands in hints", () => {
	it("carry the store flags the command was given", async () => {
		const made = await weft([
			"--db",
			file,
			"run",
			fixture,
			"--thread",
			"t1",
			"--input",
			'{"topic":"x"}',
		]);
		expect(made.code).toBe(0);
		const db = `--db '${file}'`;
		const missing = await weft(["--db", file, "show", "nope"]);
		expect(missing.stderr).toContain(
			`hint: list threads with \`weft ${db} threads\``,
		);
		const fork = await weft(["--db", file, "fork", "t1", "--set", "topic=y"]);
		expect(fork.stderr).toContain(`\`weft ${db} history t1\``);
		// a hint that already names the store is left as it is
		const answered = await weft([
			"--db",
			file,
			"approve",
			"t1",
			"--id",
			"nope",
		]);
		expect(answered.code).toBe(2);
		const done = await weft(["--db", file, "approve", "t1"]);
		expect(done.code).toBe(0);
		const again = await weft(["--db", file, "approve", "t1"]);
		expect(again.stderr).toContain(`\`weft ${db} show t1\``);
		expect(again.stderr).not.toContain(`${db} ${db}`);
		// the footer of logs names the command for the totals of this thread, in this store
		const logs = await weft(["--db", file, "logs", "t1"]);
		expect(logs.stdout).toContain(`totals: \`weft ${db} usage t1\``);
		// and a fork made says how to run it on, in this store
		const forked = await weft([
			"--db",
			file,
			"fork",
			"t1",
			"--at",
			"0",
			"--set",
			"topic=y",
		]);
		expect(forked.code).toBe(0);
		expect(forked.stdout).toContain(
			`run it on: weft ${db} continue t1 --from `,
		);
		// no feedback yet: the command to give some reads this store
		const feedback = await weft(["--db", file, "feedback", "list"]);
		expect(feedback.stdout).toContain(
			`\`weft ${db} feedback <thread> --score 1\``,
		);
	});
});
