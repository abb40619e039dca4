import { ModelRouter, weftMetadata } from "@weft/models";
import { SqliteCacheStore } from "@weft/models/sqlite";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cachedResponse as entry, FakeModel } from "./fake-model.ts";

describe("SqliteCacheStore", () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it("stores, reads, deletes and clears JSON entries", async () => {
		const store = new SqliteCacheStore({ path: ":memory:" });
		await store.set("k", entry);
		expect(await store.get("k")).toEqual(entry);
		await store.delete("k");
		expect(await store.get("k")).toBeUndefined();
		await store.set("a", entry);
		await store.clear();
		expect(await store.get("a")).toBeUndefined();
		store.close();
	});

	it("skips expired rows and prunes them", async () => {
		vi.useFakeTimers();
		const store = new SqliteCacheStore({ ttlMs: 1000 });
		await store.set("short", entry);
		await store.set("long", entry, 5000);
		vi.advanceTimersByTime(1001);
		expect(await store.get("short")).toBeUndefined();
		expect(await store.get("long")).toEqual(entry);
		expect(store.prune()).toBe(1);
	});

	it("refuses every call after close() with STORE_UNAVAILABLE and a hint (was better-sqlite3's untyped error); a second close() is harmless", async () => {
		const store = new SqliteCacheStore();
		await store.set("k", entry);
		store.close();
		store.close();
		const closed = expect.objectContaining({
			name: "WeftError",
			code: "STORE_UNAVAILABLE",
			message: expect.stringContaining("is closed"),
			hint: expect.stringContaining("new SqliteCacheStore"),
		});
		await expect(store.get("k")).rejects.toEqual(closed);
		await expect(store.set("k", entry)).rejects.toEqual(closed);
		await expect(store.delete("k")).rejects.toEqual(closed);
		await expect(store.clear()).rejects.toEqual(closed);
		expect(() => store.prune()).toThrow(closed);
		// a shared database closed by its owner is refused alike
		const db = new Database(":memory:");
		const shared = new SqliteCacheStore({ database: db });
		db.close();
		await expect(shared.get("k")).rejects.toEqual(closed);
		shared.close();
	});

	it("shares an open database and rejects unsafe table names", async () => {
		const db = new Database(":memory:");
		const store = new SqliteCacheStore({ database: db, table: "my_cache" });
		await store.set("k", entry);
		expect(db.prepare("SELECT count(*) AS n FROM my_cache").get()).toEqual({
			n: 1,
		});
		store.close(); // not owned: stays open
		expect(db.open).toBe(true);
		expect(
			() => new SqliteCacheStore({ database: db, table: "x; DROP TABLE y" }),
		).toThrow(
			expect.objectContaining({
				code: "CONFIG_INVALID",
				message: expect.stringMatching(/invalid table name/),
				hint: expect.any(String),
			}),
		);
	});

	it("refuses a misspelt option, an empty path and a directory (the cache stayed in memory, or a raw SqliteError)", async () => {
		const { mkdtempSync, rmSync } = await import("node:fs");
		const { tmpdir } = await import("node:os");
		expect(
			() => new SqliteCacheStore({ file: "/tmp/cache.db" } as never),
		).toThrow(
			expect.objectContaining({
				code: "CONFIG_INVALID",
				message: 'SqliteCacheStore has no option "file"',
				hint: expect.any(String),
			}),
		);
		expect(() => new SqliteCacheStore({ path: "" })).toThrow(
			expect.objectContaining({
				code: "CONFIG_INVALID",
				message: "SqliteCacheStore path is empty",
				hint: expect.stringContaining(":memory:"),
			}),
		);
		expect(() => new SqliteCacheStore({ path: 5 as never })).toThrow(
			expect.objectContaining({ code: "CONFIG_INVALID" }),
		);
		const dir = mkdtempSync(`${tmpdir()}/weft-cache-`);
		try {
			expect(() => new SqliteCacheStore({ path: dir })).toThrow(
				expect.objectContaining({
					code: "CONFIG_INVALID",
					hint: expect.stringContaining("is a directory"),
				}),
			);
			expect(
				() => new SqliteCacheStore({ path: `${dir}/no/such/c.db` }),
			).toThrow(
				expect.objectContaining({
					code: "CONFIG_INVALID",
					hint: expect.stringContaining("does not exist"),
				}),
			);
			const store = new SqliteCacheStore({ path: `${dir}/c.db` });
			await store.set("k", entry);
			expect(await store.get("k")).toEqual(entry);
			store.close();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it("refuses a ttlMs that is not a number > 0, as MemoryCacheStore does (CONFIG_INVALID)", async () => {
		// ttlMs -1 expired every entry at once (a cache that never hit), NaN kept them for ever
		for (const ttlMs of [0, -1, Number.NaN, "60" as never])
			expect(() => new SqliteCacheStore({ ttlMs }), String(ttlMs)).toThrow(
				expect.objectContaining({
					code: "CONFIG_INVALID",
					message: expect.stringContaining("ttlMs"),
					hint: expect.any(String),
				}),
			);
		const store = new SqliteCacheStore();
		for (const ttlMs of [0, -1, Number.NaN])
			await expect(store.set("k", entry, ttlMs)).rejects.toMatchObject({
				code: "CONFIG_INVALID",
			});
		expect(await store.get("k")).toBeUndefined();
		store.close();
	});

	it("serves a router's cache across router instances (and processes)", async () => {
		const db = new Database(":memory:");
		const model = new FakeModel("m", [{ content: "one" }, { content: "two" }], {
			temperature: 0,
		});
		const first = new ModelRouter({
			models: { m: model },
			cache: { store: new SqliteCacheStore({ database: db }) },
		});
		await first.invoke("q");
		const second = new ModelRouter({
			models: { m: model },
			cache: { store: new SqliteCacheStore({ database: db }) },
		});
		const out = await second.invoke("q");
		expect(out.content).toBe("one");
		expect(weftMetadata(out)!.cache).toBe("hit");
	});
});
