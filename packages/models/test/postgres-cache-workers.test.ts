// Outside check (7 Dec): two workers starting on a new cache table at once raced on its CREATE TABLE IF
// NOT EXISTS; one lost with "duplicate key value violates unique constraint pg_type_typname_nsp_index",
// a cache `error` on its first calls (decision 0252).
import { PostgresCacheStore } from "@weft/models/postgres";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
	CONNECTION,
	postgresAvailable,
} from "../../checkpoint-postgres/test/postgres.ts";
import { cachedResponse as entry } from "./fake-model.ts";

describe.skipIf(!(await postgresAvailable()))(
	"PostgresCacheStore from several workers",
	() => {
		const admin = new pg.Pool({ connectionString: CONNECTION });
		const tables: string[] = [];
		afterAll(async () => {
			for (const t of tables) await admin.query(`DROP TABLE IF EXISTS ${t}`);
			await admin.end();
		});

		it("creates a new table once when workers with their own connections start together", async () => {
			for (let round = 0; round < 5; round++) {
				const table = `weft_cache_w${process.pid}_${Date.now().toString(36)}_${round}`;
				tables.push(table);
				// each its own pool, as each worker process has
				const workers = Array.from(
					{ length: 4 },
					() => new PostgresCacheStore({ connectionString: CONNECTION, table }),
				);
				const outcomes = await Promise.allSettled(
					workers.map((w, i) => w.set(`k${i}`, entry)),
				);
				expect(
					outcomes
						.filter((o) => o.status === "rejected")
						.map((o) => String((o as PromiseRejectedResult).reason)),
					table,
				).toEqual([]);
				for (const [i, w] of workers.entries())
					expect(await w.get(`k${i}`)).toEqual(entry);
				for (const w of workers) await w.close();
			}
		});
	},
);
