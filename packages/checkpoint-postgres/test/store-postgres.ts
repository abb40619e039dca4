import pg from "pg";
import { CONNECTION } from "./postgres.ts";

/** This worktree's own database for the store tests (created once; WEFT_TEST_STORE_DB names another). */
export async function storeDatabase(
	name = process.env.WEFT_TEST_STORE_DB ?? "wt_memory_store",
): Promise<string> {
	const url = new URL(CONNECTION);
	const client = new pg.Client({ connectionString: CONNECTION });
	await client.connect();
	try {
		const { rowCount } = await client.query(
			"SELECT 1 FROM pg_database WHERE datname = $1",
			[name],
		);
		if (rowCount === 0)
			await client
				.query(`CREATE DATABASE "${name}"`)
				.catch((error: { code?: string }) => {
					if (error.code !== "42P04" && error.code !== "23505") throw error;
				});
	} finally {
		await client.end();
	}
	url.pathname = `/${name}`;
	return url.toString();
}
