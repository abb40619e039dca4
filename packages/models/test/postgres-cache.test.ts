import { ModelRouter, weftMetadata } from "@weft/models";
import { PostgresCacheStore } from "@weft/models/postgres";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
	CONNECTION,
	postgresAvailable,
} from "../../checkpoint-postgres/test/postgres.ts";
import { cachedResponse as entry, FakeModel } from "./fake-model.ts";

describe("PostgresCacheStore options", () => {
	it("refuses a malformed connectionString or options at construction (CONFIG_INVALID with a hint; was a failure at the first call)", async () => {
		const refused = (message: string | RegExp) =>
			expect.objectContaining({
				code: "CONFIG_INVALID",
				message: expect.stringMatching(message),
				hint: expect.stringContaining("postgres://"),
			});
		for (const connectionString of ["not a url", "mysql://x", ""])
			expect(() => new PostgresCacheStore({ connectionString })).toThrow(
				refused(/PostgresCacheStore: connectionString/),
			);
		for (const connectionString of [42, null, {}])
			expect(
				() => new PostgresCacheStore({ connectionString } as never),
			).toThrow(refused(/must be a non-empty string, not (number|object)/));
		// credentials are not repeated in the message
		expect(
			() =>
				new PostgresCacheStore({ connectionString: "mysql://u:secret@h/db" }),
		).toThrow(
			expect.objectContaining({
				message: expect.not.stringContaining("secret"),
			}),
		);
		for (const options of [undefined, null, "postgres://h/db"])
			expect(() => new PostgresCacheStore(options as never)).toThrow(
				refused(/PostgresCacheStore needs options/),
			);
		// a socket directory and the postgresql: scheme are accepted (no connection is made before the first call)
		for (const connectionString of [
			"/var/run/postgresql db",
			"postgresql://u@h/db",
		])
			await new PostgresCacheStore({ connectionString }).close();
	});
});

describe.skipIf(!(await postgresAvailable()))("PostgresCacheStore", () => {
	const pool = new pg.Pool({ connectionString: CONNECTION });
	const table = `weft_cache_${process.pid}_${Date.now().toString(36)}`;
	afterAll(async () => {
		await pool.query(`DROP TABLE IF EXISTS ${table}`);
		await pool.end();
	});

	it("stores, reads, expires, deletes and clears entries", async () => {
		const store = new PostgresCacheStore({ pool, table });
		await store.set("k", entry);
		expect(await store.get("k")).toEqual(entry);
		await store.set("gone", entry, 1); // expired once 1 ms has passed (a TTL below 1 is refused)
		await new Promise((r) => setTimeout(r, 10));
		expect(await store.get("gone")).toBeUndefined();
		expect(await store.prune()).toBe(1);
		await store.delete("k");
		expect(await store.get("k")).toBeUndefined();
		await store.set("a", entry);
		await store.clear();
		expect(await store.get("a")).toBeUndefined();
		await store.close(); // shared pool: stays open
		expect((await pool.query("SELECT 1 AS one")).rows[0]).toEqual({ one: 1 });
	});

	it("serves one router's cached answer to another router with its own connection", async () => {
		const model = new FakeModel("m", [{ content: "one" }, { content: "two" }], {
			temperature: 0,
		});
		const first = new ModelRouter({
			models: { m: model },
			cache: { store: new PostgresCacheStore({ pool, table }) },
		});
		await first.invoke("q");
		// the answer is stored without being waited for: wait for the row
		await vi.waitFor(async () =>
			expect(
				(await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n,
			).toBe(1),
		);
		const own = new PostgresCacheStore({ connectionString: CONNECTION, table });
		const second = new ModelRouter({
			models: { m: model },
			cache: { store: own },
		});
		const out = await second.invoke("q");
		expect(out.content).toBe("one");
		expect(weftMetadata(out)!.cache).toBe("hit");
		await own.close();
	});

	it("refuses unsafe table names and a missing connection with CONFIG_INVALID", () => {
		expect(
			() => new PostgresCacheStore({ pool, table: "x; DROP TABLE y" }),
		).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
		expect(() => new PostgresCacheStore({})).toThrow(
			expect.objectContaining({ code: "CONFIG_INVALID" }),
		);
	});

	it("refuses a ttlMs that is not a number > 0 (CONFIG_INVALID), in the options and per entry", async () => {
		for (const ttlMs of [0, -1, Number.NaN])
			expect(() => new PostgresCacheStore({ pool, table, ttlMs })).toThrow(
				expect.objectContaining({
					code: "CONFIG_INVALID",
					message: expect.stringContaining("ttlMs"),
					hint: expect.any(String),
				}),
			);
		const store = new PostgresCacheStore({ pool, table });
		for (const ttlMs of [0, -1, Number.NaN])
			await expect(store.set("bad-ttl", entry, ttlMs)).rejects.toMatchObject({
				code: "CONFIG_INVALID",
			});
		expect(await store.get("bad-ttl")).toBeUndefined();
	});
});
