// Outside check (7 Dec): connections of a PostgresStore terminated by the server while it is in use (a
// failover, an idle timeout, an admin): each call that fails is STORE_UNAVAILABLE, the process goes on,
// and the store answers again once the server lets it (decision 0252).
import { isWeftError } from "@weft/checkpoint";
import { PostgresStore } from "@weft/checkpoint-postgres";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { admin, freshSchema, postgresAvailable } from "./postgres.ts";
import { storeDatabase } from "./store-postgres.ts";

const APP = `weft_store_loss_${process.pid}`;

describe.skipIf(!(await postgresAvailable()))(
	"PostgresStore losing its connections",
	() => {
		it("fails typed while they are cut, never ending the process, and works after", async () => {
			const url = new URL(await storeDatabase());
			url.searchParams.set("application_name", APP);
			const schema = freshSchema();
			const store = await PostgresStore.connect({
				connectionString: url.toString(),
				schema,
			});
			let cutting = true;
			const cutter = (async () => {
				while (cutting) {
					await admin(
						"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
						[APP],
					);
					await new Promise((r) => setTimeout(r, 2));
				}
			})();
			const untyped: string[] = [];
			const codes = new Set<string>();
			try {
				for (let i = 0; i < 60; i++)
					for (const call of [
						() => store.put(["n"], `k${i}`, { i }),
						() => store.get(["n"], `k${i}`),
						() => store.search(["n"], { query: "x", limit: 2 }),
						() => store.list(["n"], { limit: 2 }),
					])
						await call().catch((error: unknown) => {
							if (isWeftError(error)) codes.add(error.code);
							else untyped.push(String(error));
						});
			} finally {
				cutting = false;
				await cutter;
			}
			expect(untyped).toEqual([]);
			expect([...codes].filter((c) => c !== "STORE_UNAVAILABLE")).toEqual([]);
			await store.put(["n"], "after", { ok: true });
			expect((await store.get(["n"], "after"))?.value).toEqual({ ok: true });
			await store.close();
			const client = new pg.Client({ connectionString: url.toString() });
			await client.connect();
			await client.query(`DROP SCHEMA "${schema}" CASCADE`);
			await client.end();
		});
	},
);
