import { PostgresCheckpointer, PostgresStore } from "@weft/checkpoint-postgres";
import pg from "pg";
import { it } from "vitest";
import { storeRoutesSuite } from "./fixtures/store-routes-suite.ts";

// Postgres tests run when CI=true (a server at 127.0.0.1:5432, user postgres, or WEFT_TEST_POSTGRES).
const SERVER =
	process.env.WEFT_TEST_POSTGRES ??
	"postgres://postgres@127.0.0.1:5432/postgres";
const DATABASE = "weft_api_store_routes";

/** This test's own database (created once), as a URL. */
async function database(): Promise<string> {
	const client = new pg.Client({ connectionString: SERVER });
	await client.connect();
	try {
		const { rowCount } = await client.query(
			"SELECT 1 FROM pg_database WHERE datname = $1",
			[DATABASE],
		);
		if (rowCount === 0)
			await client
				.query(`CREATE DATABASE "${DATABASE}"`)
				.catch((error: { code?: string }) => {
					if (error.code !== "42P04" && error.code !== "23505") throw error;
				});
	} finally {
		await client.end();
	}
	const url = new URL(SERVER);
	url.pathname = `/${DATABASE}`;
	return url.toString();
}

if (process.env.CI === "true")
	storeRoutesSuite("Postgres", async () => {
		const connectionString = await database();
		const schema = `api_${process.pid}_${Date.now().toString(36)}`;
		const checkpointer = await PostgresCheckpointer.connect({
			connectionString,
			schema,
		});
		const store = await PostgresStore.connect({ connectionString, schema });
		return {
			checkpointer,
			store,
			async close() {
				await store.close();
				await checkpointer.close();
				const admin = new pg.Client({ connectionString });
				await admin.connect();
				await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
				await admin.end();
			},
		};
	});
else it.skip("the /store routes on Postgres (run with CI=true)", () => {});
