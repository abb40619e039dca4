import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SqliteStore } from "@weft/checkpoint-sqlite";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { holdWriteLock } from "./helpers.ts";

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
	const dir = mkdtempSync(join(tmpdir(), "weft-store-conc-"));
	dirs.push(dir);
	return join(dir, "weft.db");
}

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** A process that puts `n` items of its own and rewrites ten shared ones (the package's build). */
const PUTTER = `
import { SqliteStore } from "@weft/checkpoint-sqlite";
const [path, who, n] = process.argv.slice(1);
const store = new SqliteStore({ path });
for (let i = 0; i < Number(n); i++) {
	await store.put(["c", who], "k" + i, { text: "note " + who + " " + i });
	await store.put(["shared"], "k" + (i % 10), { who, i });
}
await store.close();
`;

describe("SqliteStore from several connections", () => {
	it("loses no put when two processes write one file at once", async () => {
		const path = tempDb();
		await new SqliteStore({ path }).close(); // the tables, made once
		const run = (who: string) =>
			promisify(execFile)(
				process.execPath,
				["--input-type=module", "-e", PUTTER, path, who, "200"],
				{ cwd: packageDir },
			);
		await Promise.all([run("a"), run("b")]);
		const store = new SqliteStore({ path });
		expect((await store.list(["c"], { limit: 1000 })).length).toBe(400);
		expect((await store.list(["shared"])).length).toBe(10);
		expect(
			(await store.search(["c", "a"], { query: "note", limit: 1000 })).length,
		).toBe(200);
		expect(await store.listNamespaces()).toEqual([
			["c", "a"],
			["c", "b"],
			["shared"],
		]);
		await store.close();
	});

	it("fails typed (STORE_UNAVAILABLE, hint to retry) when another connection holds the write lock past busyTimeoutMs, writing nothing", async () => {
		const path = tempDb();
		const store = new SqliteStore({ path, busyTimeoutMs: 20 });
		await store.put(["a"], "k", { v: 1 });
		await store.put(["a"], "gone", { v: 1 }, { ttlMs: 1 });
		const holder = new Database(path);
		holder.exec("BEGIN IMMEDIATE");
		try {
			for (const call of [
				() => store.put(["a"], "k", { v: 2 }),
				() => store.delete(["a"], "k"),
				() => store.sweep(),
			])
				await expect(call()).rejects.toMatchObject({
					code: "STORE_UNAVAILABLE",
					message: expect.stringContaining(path),
					hint: expect.stringContaining("busyTimeoutMs"),
				});
			// reads go on while another connection writes (WAL)
			expect((await store.get(["a"], "k"))?.value).toEqual({ v: 1 });
		} finally {
			holder.exec("ROLLBACK");
			holder.close();
		}
		expect((await store.get(["a"], "k"))?.value).toEqual({ v: 1 });
		await store.close();
	});

	it("opens a file another process holds the write lock of, writing nothing: reads answer, a put fails typed", async () => {
		const path = tempDb();
		const first = new SqliteStore({ path });
		await first.put(["a"], "k", { v: 1 });
		await first.close();
		const holder = await holdWriteLock(path);
		try {
			const store = new SqliteStore({ path, busyTimeoutMs: 20 });
			expect((await store.get(["a"], "k"))?.value).toEqual({ v: 1 });
			await expect(store.put(["a"], "k", { v: 2 })).rejects.toMatchObject({
				code: "STORE_UNAVAILABLE",
			});
			await store.close();
		} finally {
			holder.kill("SIGKILL");
			await once(holder, "exit");
		}
	});
});
