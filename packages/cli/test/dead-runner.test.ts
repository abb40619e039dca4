// A `weft run` killed with SIGKILL leaves its thread `running` until its lease lapses (the API's status:
// a lease that stops heartbeating expires, then the thread reads `stale`). `weft threads` listed it as
// running with nothing more, though the CLI can see that the process holding the lease is gone (as the
// THREAD_BUSY hint does): it now says so under the table, with when it reads stale and what then goes on.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { root, startRun, weft, whileBusy } from "./run-cli.ts";

vi.setConfig({ testTimeout: 300_000 });

const dir = mkdtempSync(join(tmpdir(), "weft-dead-runner-"));
const db = ["--db", join(dir, "weft.db")];
const slow = join(root, "packages/cli/test/fixtures/slow-graph.ts");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
	threadId: string;
	status: string;
	runnerGone?: { pid: number };
}

const rows = async (): Promise<Row[]> =>
	(await weft([...db, "threads", "--json"])).json as Row[];

it("weft threads says when a running thread's process has exited, and when it reads stale", async () => {
	const { child, closed } = await startRun(
		db,
		slow,
		"killed",
		join(dir, "never"),
	);
	// killed once its run holds the thread
	while (
		!(await rows()).some(
			(t) => t.threadId === "killed" && t.status === "running",
		)
	)
		await new Promise((r) => setTimeout(r, 50));
	child.kill("SIGKILL");
	await closed;
	const listed = await weft([...db, "threads"]);
	expect(listed.code).toBe(0);
	// the status stays the store's (running until the lease lapses); the note says why it is not
	expect(listed.stdout).toMatch(/│ killed\s+│ running \(runner gone\)\s+│/);
	expect(listed.stdout).toContain(
		`killed running, but its runner (process ${child.pid} on this machine) has exited: it reads \`stale\``,
	);
	expect(listed.stdout).toContain(`\`weft --db ${db[1]} recover killed\``);
	const row = (await rows()).find((t) => t.threadId === "killed");
	expect(row).toMatchObject({
		status: "running",
		runnerGone: { pid: child.pid },
	});
});

// `weft watch` of such a thread read `running` with no word until the lease lapsed (decision 0235)
it("weft watch says once that the runner has exited, then ends when the thread reads stale", async () => {
	const { child, closed } = await startRun(
		db,
		slow,
		"watched",
		join(dir, "never"),
	);
	while (
		!(await rows()).some(
			(t) => t.threadId === "watched" && t.status === "running",
		)
	)
		await new Promise((r) => setTimeout(r, 50));
	child.kill("SIGKILL");
	await closed;
	// it watches until the lease lapses (the slow graph's, 30 s), reading the store every 100 ms
	const [watched, json] = await Promise.all([
		weft([...db, "watch", "watched", "--interval", "100"]),
		weft([...db, "watch", "watched", "--interval", "100", "--json"]),
	]);
	expect(watched.code, watched.stderr).toBe(0);
	// --json: one line of its own, then the end
	const lines = json.stdout
		.trimEnd()
		.split("\n")
		.map((l) => JSON.parse(l) as { type: string });
	expect(lines.filter((l) => l.type === "runnerGone")).toEqual([
		{
			type: "runnerGone",
			threadId: "watched",
			pid: child.pid,
			leaseExpiresAt: expect.any(String),
		},
	]);
	expect(lines.at(-1)).toEqual({
		type: "end",
		threadId: "watched",
		status: "stale",
	});
	const note = `its runner (process ${child.pid} on this machine) has exited: it reads \`stale\``;
	expect(watched.stdout.split(note).length - 1).toBe(1);
	expect(watched.stdout).toContain(`\`weft --db ${db[1]} recover watched\``);
	expect(watched.stdout.trimEnd().split("\n").at(-1)).toMatch(
		/^stale · thread watched/,
	);
});

it("a thread whose runner still runs gets no such note", async () => {
	const [listed, json] = await whileBusy(db, "alive", dir, async () => [
		await weft([...db, "threads"]),
		await rows(),
	]);
	expect(listed.stdout).toMatch(/│ alive\s+│ running\s+│/);
	// (the thread killed above is listed too, with its note)
	expect(listed.stdout).not.toMatch(/^alive .*exited/m);
	expect(
		(json as Row[]).find((t) => t.threadId === "alive")?.runnerGone,
	).toBeUndefined();
});

it("weft watch of a thread whose runner still runs says nothing of it", async () => {
	const watching = await whileBusy(db, "alive-watched", dir, async () => {
		const watch = weft([...db, "watch", "alive-watched", "--interval", "100"]);
		// a few reads of the store while the runner holds the thread
		await new Promise((r) => setTimeout(r, 1500));
		return { watch };
	});
	const r = await watching.watch;
	expect(r.code, r.stderr).toBe(0);
	expect(r.stdout).toContain("step ");
	expect(r.stdout).not.toContain("has exited");
	expect(r.stdout.trimEnd().split("\n").at(-1)).toMatch(
		/^done · thread alive-watched/,
	);
});
