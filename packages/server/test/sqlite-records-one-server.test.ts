// One API process per SQLite file: each keeps the file's thread and run records in memory, and a second
// one on the same file answered stale records and wrote its stale copies back over the first's changes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { isWeftError } from "@weft/checkpoint";
import { afterAll, expect, it } from "vitest";
import { openSqliteRecords } from "../src/index.ts";
import { startWeft } from "./fixtures/weft-dev.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-one-server-"));
const started: { stop(signal?: NodeJS.Signals): Promise<number | null> }[] = [];
afterAll(async () => {
	await Promise.all(started.map((p) => p.stop("SIGKILL")));
	rmSync(dir, { recursive: true, force: true });
});

it("a second opening of a file's server records is refused (STORE_UNAVAILABLE naming the file) until the first is closed", async () => {
	const path = join(dir, "in-process.db");
	const first = await openSqliteRecords(path);
	const refused = await openSqliteRecords(path, { lockWaitMs: 0 }).then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(isWeftError(refused) && refused.code).toBe("STORE_UNAVAILABLE");
	expect(String((refused as Error).message)).toContain(path);
	expect((refused as { hint?: string }).hint).toMatch(/weft serve/);
	await first.close();
	const again = await openSqliteRecords(path);
	await again.close();
});

it("a second weft dev on the file another one serves exits saying so; the first serves on", async () => {
	const graphs = fileURLToPath(
		new URL("./fixtures/graphs.ts", import.meta.url),
	);
	const db = join(dir, "weft.db");
	const args = [
		"--db",
		db,
		"dev",
		"--graph",
		`slow=${graphs}#slow`,
		"--port",
		"0",
	];
	const first = await startWeft(args);
	started.push(first);
	const second = await startWeft([...args, "--lock-wait", "0"]).then(
		(p) => {
			started.push(p);
			return "started";
		},
		(e: Error) => e.message,
	);
	expect(second).toContain("STORE_UNAVAILABLE");
	expect(second).toContain("weft.db");
	expect((await fetch(`${first.url}/ok`)).status).toBe(200);
	// once the first is gone (even killed), a new one starts on the file
	await first.stop("SIGKILL");
	const next = await startWeft(args);
	started.push(next);
	expect((await fetch(`${next.url}/ok`)).status).toBe(200);
}, 60_000);

// A restart that overlaps the old process's shutdown (a supervisor restarting at once, a rolling deploy on
// one volume): the old one holds `<file>-lock` until its runs in flight have finished or its grace ran out.
// The new one waited about a second for it, then failed (decision 0111).
it("a weft dev started while the old one shuts down gracefully waits for it, saying so, then serves; the run the old one finished reads so", async () => {
	const graphs = fileURLToPath(
		new URL("./fixtures/graphs.ts", import.meta.url),
	);
	const db = join(dir, "restart.db");
	const args = [
		"--db",
		db,
		"dev",
		"--graph",
		`slow=${graphs}#slow`,
		"--port",
		"0",
		"--shutdown-grace",
		"60s",
	];
	const old = await startWeft(args);
	started.push(old);
	const client = new Client({ apiUrl: old.url });
	const thread = await client.threads.create();
	// long enough for the new process to start while the old one still finishes it
	const run = await client.runs.create(thread.thread_id, "slow", {
		input: { ms: 8000 },
	});
	// the old process shuts down: it lets its run in flight finish first, holding the file meanwhile
	old.child.kill("SIGTERM");
	const oldExit = new Promise<number | null>((resolve) =>
		old.child.once("exit", (code) => resolve(code)),
	);
	const next = await startWeft(args);
	started.push(next);
	expect(next.output()).toMatch(/waiting for .*restart\.db/);
	expect(await oldExit).toBe(0);
	const again = new Client({ apiUrl: next.url });
	// finished by the old process during its shutdown, and read so by the new one
	expect((await again.runs.get(thread.thread_id, run.run_id)).status).toBe(
		"success",
	);
	expect(
		await again.runs.wait(thread.thread_id, "slow", { input: { ms: 1 } }),
	).toMatchObject({ done: true });
}, 60_000);

it("the wait is bounded (--lock-wait, WEFT_LOCK_WAIT): past it, STORE_UNAVAILABLE whose hint names both", async () => {
	const graphs = fileURLToPath(
		new URL("./fixtures/graphs.ts", import.meta.url),
	);
	const db = join(dir, "bounded.db");
	const args = (...more: string[]) => [
		"--db",
		db,
		"dev",
		"--graph",
		`slow=${graphs}#slow`,
		"--port",
		"0",
		...more,
	];
	const first = await startWeft(args());
	started.push(first);
	const refused = await startWeft(args("--lock-wait", "1s")).then(
		(p) => {
			started.push(p);
			return "started";
		},
		(e: Error) => e.message,
	);
	expect(refused).toMatch(/waiting for/);
	expect(refused).toMatch(/STORE_UNAVAILABLE/);
	expect(refused).toMatch(/--lock-wait/);
	expect(refused).toMatch(/WEFT_LOCK_WAIT/);
	const byEnv = await startWeft(args(), { WEFT_LOCK_WAIT: "0" }).then(
		(p) => {
			started.push(p);
			return "started";
		},
		(e: Error) => e.message,
	);
	expect(byEnv).toMatch(/STORE_UNAVAILABLE/);
	expect((await fetch(`${first.url}/ok`)).status).toBe(200);
}, 60_000);
