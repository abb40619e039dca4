// `weft continue` of a thread another process runs printed "continuing thread …" and then THREAD_BUSY:
// the line said it went on when nothing ran. The title now waits for the run to start (as `recover`'s):
// a refused continue prints the refusal alone.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { root, weft, whileBusy } from "./run-cli.ts";

vi.setConfig({ testTimeout: 300_000 });

const dir = mkdtempSync(join(tmpdir(), "weft-busy-continue-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("continue of a thread another run holds prints THREAD_BUSY and no title", async () => {
	const r = await whileBusy(db, "busy", dir, () =>
		weft([...db, "continue", "busy"]),
	);
	expect(r.code).toBe(1);
	expect(r.stderr).toContain("error THREAD_BUSY");
	expect(r.stdout).not.toContain("continuing");
	expect(r.stdout).toBe("");
});

it("continue of a thread it can take prints its title, then its steps", async () => {
	// the run above has ended: its thread is done, so a fork of it gives continue something to run
	const fork = await weft([
		...db,
		"fork",
		"busy",
		"--at",
		"1",
		"--set",
		"text=again",
	]);
	expect(fork.code, fork.stderr).toBe(0);
	const r = await weft([...db, "continue", "busy"]);
	expect(r.code, r.stderr).toBe(0);
	const title = r.stdout.indexOf("continuing thread busy");
	expect(title).toBeGreaterThanOrEqual(0);
	expect(r.stdout.indexOf("step ")).toBeGreaterThan(title);
});

// the same for `weft run --thread` of a thread that exists (decision 0235): a new thread cannot be busy
it("run --thread of a thread another run holds prints THREAD_BUSY and no title", async () => {
	const slow = join(root, "packages/cli/test/fixtures/slow-graph.ts");
	const r = await whileBusy(db, "busy-run", dir, () =>
		weft([...db, "run", slow, "--thread", "busy-run"]),
	);
	expect(r.code).toBe(1);
	expect(r.stderr).toContain("error THREAD_BUSY");
	expect(r.stdout).not.toContain("running");
	expect(r.stdout).toBe("");
});

it("run --thread of a thread it can take prints its title, then its steps", async () => {
	const slow = join(root, "packages/cli/test/fixtures/slow-graph.ts");
	// "busy-run" exists (its run above has ended); "fresh" does not
	for (const thread of ["busy-run", "fresh"]) {
		const r = await weft([...db, "run", slow, "--thread", thread]);
		expect(r.code, r.stderr).toBe(0);
		const title = r.stdout.indexOf(`on thread ${thread}`);
		expect(title).toBeGreaterThanOrEqual(0);
		expect(r.stdout.indexOf("step ")).toBeGreaterThan(title);
	}
});
