import { storeConformance } from "@weft/checkpoint/store-conformance";
import { PostgresStore } from "@weft/checkpoint-postgres";
import pg from "pg";
import { describe } from "vitest";
import { freshSchema, postgresAvailable } from "./postgres.ts";
import { storeDatabase } from "./store-postgres.ts";

if (await postgresAvailable()) {
	const connectionString = await storeDatabase();
	storeConformance("postgres", async ({ index }) => {
		const schema = freshSchema();
		const store = await PostgresStore.connect({
			connectionString,
			schema,
			index,
		});
		return {
			store,
			cleanup: async () => {
				const client = new pg.Client({ connectionString });
				await client.connect();
				await client.query(`DROP SCHEMA "${schema}" CASCADE`);
				await client.end();
			},
		};
	});
} else {
	describe.skip("store conformance: postgres (no server outside CI)", () => {});
}
