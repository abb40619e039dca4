// One API process per SQLite file: each keeps the file's thread and run records in memory, and a second
// one on the same file answered stale records and wrote its stale copies back over the first's changes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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
	const refused = await openSqliteRecords(path).then(
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
	const second = await startWeft(args).then(
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
