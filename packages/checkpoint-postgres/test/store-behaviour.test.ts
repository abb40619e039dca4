import { isWeftError } from "@weft/checkpoint";
import { WordEmbeddings } from "@weft/checkpoint/store-conformance";
import { PostgresStore } from "@weft/checkpoint-postgres";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { admin, freshSchema, postgresAvailable, rows } from "./postgres.ts";
import { storeDatabase } from "./store-postgres.ts";

const available = await postgresAvailable();

async function waitFor(check: () => Promise<boolean>): Promise<void> {
	for (let i = 0; i < 500 && !(await check()); i++)
		await new Promise((r) => setTimeout(r, 10));
}

describe.skipIf(!available)("PostgresStore", () => {
	it("keeps items across connections, migrates once, and fails typed after close", async () => {
		const connectionString = await storeDatabase();
		const schema = freshSchema();
		const a = await PostgresStore.connect({ connectionString, schema });
		await a.put(["users", "u1"], "tea", { text: "green tea" });
		await a.close();
		const closed = await a.get(["users", "u1"], "tea").catch((e: unknown) => e);
		expect(isWeftError(closed, "STORE_UNAVAILABLE")).toBe(true);
		const b = await PostgresStore.connect({ connectionString, schema });
		expect(
			(await b.search(["users"], { query: "teas" })).map((h) => h.key),
		).toEqual(["tea"]);
		await b.close();
		const client = new pg.Client({ connectionString });
		await client.connect();
		const { rows } = await client.query(
			`SELECT version FROM "${schema}".store_schema_version`,
		);
		expect(rows).toEqual([{ version: 2 }]);
		await client.query(`DROP SCHEMA "${schema}" CASCADE`);
		await client.end();
	});

	it("migrates version 1 tables to the configuration without stopwords, keeping what they hold searchable", async () => {
		const connectionString = await storeDatabase();
		const schema = freshSchema();
		const a = await PostgresStore.connect({ connectionString, schema });
		await a.close();
		// version 1: the tables without weft_english, items indexed with Postgres's english configuration
		const client = new pg.Client({ connectionString });
		await client.connect();
		const s = `"${schema}"`;
		await client.query(`DROP TEXT SEARCH CONFIGURATION ${s}.weft_english;
			DROP TEXT SEARCH DICTIONARY ${s}.weft_english_stem;
			UPDATE ${s}.store_schema_version SET version = 1;
			INSERT INTO ${s}.store_items (ns, key, value, created_at, updated_at, tsv)
			VALUES ('old', 'tea', '{"text":"the green teas"}', 1, 1, to_tsvector('english', 'the green teas'))`);
		const b = await PostgresStore.connect({ connectionString, schema });
		const { rows } = await client.query(
			`SELECT version FROM ${s}.store_schema_version`,
		);
		expect(rows).toEqual([{ version: 2 }]);
		expect(
			(await b.search(["old"], { query: "tea" })).map((h) => h.key),
		).toEqual(["tea"]);
		await b.put(["old"], "tea", { text: "the green teas" });
		expect(
			(await b.search(["old"], { query: "the" })).map((h) => h.key),
		).toEqual(["tea"]);
		await b.close();
		await client.query(`DROP SCHEMA ${s} CASCADE`);
		await client.end();
	});

	it("searches with a query of many words (a pasted document), as the other stores do", async () => {
		const connectionString = await storeDatabase();
		const schema = freshSchema();
		const store = await PostgresStore.connect({ connectionString, schema });
		await store.put(["docs"], "tea", { text: "green tea with lemon" });
		await store.put(["docs"], "coffee", { text: "black coffee" });
		// 20,000 words: Postgres nests a flat `a or b or …` query one level a word, past its stack
		const words = Array.from({ length: 20_000 }, (_, i) => `w${i}x`);
		const query = [...words, "teas", ...words].join(" ");
		expect((await store.search(["docs"], { query })).map((h) => h.key)).toEqual(
			["tea"],
		);
		await store.close();
		const client = new pg.Client({ connectionString });
		await client.connect();
		await client.query(`DROP SCHEMA "${schema}" CASCADE`);
		await client.end();
	});

	// outside check (6 Dec): a 1.1 MB text of distinct words was refused ("string is too long for tsvector")
	// where the in-memory and SQLite stores took it
	it("takes a text too large for one tsvector, stored whole and found by its first words", async () => {
		const connectionString = await storeDatabase();
		const schema = freshSchema();
		const store = await PostgresStore.connect({ connectionString, schema });
		const text = Array.from({ length: 150_000 }, (_, i) => `w${i}x`).join(" ");
		await store.put(["big"], "k", { text });
		expect((await store.get(["big"], "k"))?.value).toEqual({ text });
		expect(
			(await store.search(["big"], { query: "w1x" })).map((h) => h.key),
		).toEqual(["k"]);
		await store.close();
		const client = new pg.Client({ connectionString });
		await client.connect();
		await client.query(`DROP SCHEMA "${schema}" CASCADE`);
		await client.end();
	});

	it("fails typed when the connection drops mid-call and the database refuses new ones, leaving the item as it was", async () => {
		// a database of its own: refusing connections to it disturbs no other test
		const db = `${process.env.WEFT_TEST_STORE_DB ?? "wt_memory_store"}_drop`;
		const connectionString = await storeDatabase(db);
		const schema = freshSchema();
		const store = await PostgresStore.connect({ connectionString, schema });
		await store.put(["a"], "k", { v: "old" });
		const locker = new pg.Client({ connectionString });
		locker.on("error", () => {});
		await locker.connect();
		const lockerPid = (await locker.query("SELECT pg_backend_pid() AS pid"))
			.rows[0].pid as number;
		try {
			for (const [call, access] of [
				[() => store.put(["a"], "k", { v: "new" }), "write"],
				[() => store.delete(["a"], "k"), "write"],
				[() => store.get(["a"], "k"), "read"],
				[() => store.search(["a"], { query: "old" }), "read"],
			] as const) {
				// the call waits on a lock, then its connection is ended and no new one is let in
				await locker.query(
					`BEGIN; LOCK TABLE "${schema}".store_items IN ACCESS EXCLUSIVE MODE`,
				);
				const outcome = call().then(
					() => "no error",
					(e: unknown) => e,
				);
				await waitFor(async () => {
					const waiting = await rows(
						"SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
						[db],
					);
					return waiting.length > 0;
				});
				await admin(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS false`);
				await admin(
					"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2",
					[db, lockerPid],
				);
				expect(await outcome, access).toMatchObject({
					code: "STORE_UNAVAILABLE",
					hint:
						access === "read"
							? expect.stringContaining("nothing was written")
							: expect.stringMatching(/get the item/),
				});
				await locker.query("ROLLBACK");
				await admin(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS true`);
				expect((await store.get(["a"], "k"))?.value).toEqual({ v: "old" });
			}
		} finally {
			await admin(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS true`);
			await locker.end();
			await store.close();
		}
	});

	it("fails with STORE_UNAVAILABLE when no server answers", async () => {
		const store = await PostgresStore.connect({
			connectionString: "postgres://postgres@127.0.0.1:9/none",
		}).catch((e: unknown) => e);
		expect(isWeftError(store, "STORE_UNAVAILABLE")).toBe(true);
		// connecting writes no item: the hint does not say one may have been written
		expect((store as { hint: string }).hint).not.toContain("may or may not");
		expect((store as { hint: string }).hint).toContain("connection string");
	});

	it("refuses a semantic search over items put before the store had embeddings, naming how many (decision 0222)", async () => {
		const connectionString = await storeDatabase();
		const schema = freshSchema();
		const plain = await PostgresStore.connect({ connectionString, schema });
		await plain.put(["u"], "tea", { text: "green tea" });
		await plain.put(["u"], "raw", { n: 1 }, { index: false });
		await plain.close();
		const store = await PostgresStore.connect({
			connectionString,
			schema,
			index: { embeddings: new WordEmbeddings() },
		});
		await store.put(["u"], "coffee", { text: "black coffee" });
		const error = await store
			.search(["u"], { query: "a drink" })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "EMBEDDING_FAILED")).toBe(true);
		expect((error as Error).message).toContain("1 of the 2");
		await store.put(["u"], "tea", { text: "green tea" });
		expect(
			(await store.search(["u"], { query: "a drink" })).map((h) => h.key),
		).toEqual(["coffee", "tea"]);
		await store.close();
	});
});
