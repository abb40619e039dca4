import { isWeftError } from "@weft/checkpoint";
import { PostgresStore } from "@weft/checkpoint-postgres";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { freshSchema, postgresAvailable } from "./postgres.ts";
import { storeDatabase } from "./store-postgres.ts";

const available = await postgresAvailable();

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
		expect(rows).toEqual([{ version: 1 }]);
		await client.query(`DROP SCHEMA "${schema}" CASCADE`);
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

	it("fails with STORE_UNAVAILABLE when no server answers", async () => {
		const store = await PostgresStore.connect({
			connectionString: "postgres://postgres@127.0.0.1:9/none",
		}).catch((e: unknown) => e);
		expect(isWeftError(store, "STORE_UNAVAILABLE")).toBe(true);
	});
});
