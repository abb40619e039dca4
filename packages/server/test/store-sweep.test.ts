// A server that holds a store deletes its expired items from the database (their value and search text),
// when it starts and every few seconds after, as it deletes expired threads: reads never return them, but
// they stayed on disk forever.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Checkpointer, Store } from "@weft/checkpoint";
import { PostgresCheckpointer, PostgresStore } from "@weft/checkpoint-postgres";
import { SqliteCheckpointer, SqliteStore } from "@weft/checkpoint-sqlite";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { serve } from "../src/index.ts";
import { memo } from "./fixtures/memory-graph.ts";

/** Puts one item that expired before the server starts, one that expires after, and one that stays. */
async function expiredAroundStart(
	checkpointer: Checkpointer,
	store: Store,
	rows: () => Promise<string[]>,
): Promise<void> {
	await store.put(["u"], "gone", { text: "card 4111" }, { ttlMs: 1 });
	await store.put(["u"], "kept", { text: "green tea" });
	await vi.waitFor(async () =>
		expect(await store.get(["u"], "gone")).toBe(undefined),
	);
	const server = await serve({
		graphs: { memo },
		checkpointer,
		store,
		port: 0,
	});
	try {
		await vi.waitFor(async () => expect(await rows()).toEqual(["kept"]), {
			timeout: 20_000,
			interval: 100,
		});
		await store.put(["u"], "later", { text: "card 5500" }, { ttlMs: 50 });
		expect((await rows()).sort()).toEqual(["kept", "later"]);
		await vi.waitFor(async () => expect(await rows()).toEqual(["kept"]), {
			timeout: 20_000,
			interval: 200,
		});
	} finally {
		await server.close();
	}
}

describe("a server sweeps its store's expired items", () => {
	it("on SQLite: the rows and their search text are deleted", async () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-store-sweep-"));
		const path = join(dir, "weft.db");
		const checkpointer = new SqliteCheckpointer({ path });
		const store = new SqliteStore({ path });
		const db = new Database(path, { readonly: true });
		try {
			await expiredAroundStart(checkpointer, store, async () => {
				const keys = db.prepare("SELECT key FROM weft_store_items").all();
				const texts = db.prepare("SELECT text FROM weft_store_fts").all();
				expect(texts.length).toBe(keys.length);
				return keys.map((r) => (r as { key: string }).key);
			});
		} finally {
			db.close();
			await store.close();
			checkpointer.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it.runIf(process.env.CI === "true")(
		"on Postgres: the rows are deleted",
		async () => {
			const server =
				process.env.WEFT_TEST_POSTGRES ??
				"postgres://postgres@127.0.0.1:5432/postgres";
			const url = new URL(server);
			url.pathname = "/weft_api_store_routes";
			const admin = new pg.Client({ connectionString: server });
			await admin.connect();
			await admin
				.query('CREATE DATABASE "weft_api_store_routes"')
				.catch(() => {});
			await admin.end();
			const connectionString = url.toString();
			const schema = `sweep_${process.pid}_${Date.now().toString(36)}`;
			const checkpointer = await PostgresCheckpointer.connect({
				connectionString,
				schema,
			});
			const store = await PostgresStore.connect({ connectionString, schema });
			const client = new pg.Client({ connectionString });
			await client.connect();
			try {
				await expiredAroundStart(checkpointer, store, async () => {
					const { rows } = await client.query(
						`SELECT key FROM "${schema}".store_items`,
					);
					return rows.map((r: { key: string }) => r.key);
				});
			} finally {
				await store.close();
				await checkpointer.close();
				await client.query(`DROP SCHEMA "${schema}" CASCADE`);
				await client.end();
			}
		},
	);
});
