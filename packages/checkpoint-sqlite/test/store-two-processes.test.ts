// Two processes sharing one SQLite store file: writes of one are read by the other, concurrent puts to
// one key leave one whole value, and an expired item is gone for both.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SqliteStore } from "@weft/checkpoint-sqlite";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
	const dir = mkdtempSync(join(tmpdir(), "weft-store-2p-"));
	dirs.push(dir);
	return join(dir, "weft.db");
}
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs store operations in another process; prints what the last one returned, as JSON. */
const OTHER = `
import { SqliteStore } from "@weft/checkpoint-sqlite";
const [path, script] = process.argv.slice(1);
const store = new SqliteStore({ path });
const out = await new Function("store", "return (async () => {" + script + "})()")(store);
await store.close();
process.stdout.write(JSON.stringify(out ?? null));
`;
async function other(path: string, script: string): Promise<unknown> {
	const { stdout } = await promisify(execFile)(
		process.execPath,
		["--input-type=module", "-e", OTHER, path, script],
		{ cwd: packageDir },
	);
	return JSON.parse(stdout);
}

describe("SqliteStore shared by two processes", () => {
	it("shows one process's writes and deletes to the other", async () => {
		const path = tempDb();
		const here = new SqliteStore({ path });
		await here.put(["u", "1"], "tea", { text: "green tea" });
		expect(
			await other(
				path,
				`const got = await store.get(["u", "1"], "tea");
				 await store.put(["u", "1"], "city", { text: "Lisbon" });
				 return [got.value, (await store.search(["u"], { query: "tea" })).map((h) => h.key)];`,
			),
		).toEqual([{ text: "green tea" }, ["tea"]]);
		expect((await here.get(["u", "1"], "city"))?.value).toEqual({
			text: "Lisbon",
		});
		expect(await here.delete(["u", "1"], "tea")).toBe(true);
		expect(
			await other(path, `return await store.get(["u", "1"], "tea") ?? "none";`),
		).toBe("none");
		await here.close();
	});

	it("keeps one whole value when both put the same key at once", async () => {
		const path = tempDb();
		await new SqliteStore({ path }).close();
		const writer = (who: string) =>
			other(
				path,
				`for (let i = 0; i < 100; i++) await store.put(["s"], "k", { who: "${who}", i, text: "${who} ".repeat(50) });`,
			);
		await Promise.all([writer("a"), writer("b")]);
		const store = new SqliteStore({ path });
		const item = await store.get(["s"], "k");
		const value = item?.value as { who: string; i: number; text: string };
		expect(value.i).toBe(99);
		expect(value.text).toBe(`${value.who} `.repeat(50));
		expect(await store.list(["s"])).toHaveLength(1);
		expect(
			(await store.search(["s"], { query: value.who })).map((h) => h.key),
		).toEqual(["k"]);
		await store.close();
	});

	it("hides an expired item from both processes", async () => {
		const path = tempDb();
		const here = new SqliteStore({ path });
		await here.put(["t"], "short", { text: "fleeting" }, { ttlMs: 200 });
		await here.put(["t"], "long", { text: "staying" }, { ttlMs: 3_600_000 });
		await new Promise((r) => setTimeout(r, 300));
		expect(await here.get(["t"], "short")).toBeUndefined();
		expect(
			await other(
				path,
				`return [await store.get(["t"], "short") ?? "none",
				  (await store.list(["t"])).map((i) => i.key),
				  (await store.search(["t"], { query: "fleeting" })).length];`,
			),
		).toEqual(["none", ["long"], 0]);
		await here.close();
	});
});
