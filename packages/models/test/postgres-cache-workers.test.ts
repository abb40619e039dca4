// Outside check (7 Dec): two workers starting on a new cache table at once raced on its CREATE TABLE IF
// NOT EXISTS; one lost with "duplicate key value violates unique constraint pg_type_typname_nsp_index",
// a cache `error` on its first calls (decision 0252). And a cache whose connections the server cuts
// never fails a call nor ends the process.
import { ModelRouter } from "@weft/models";
import { PostgresCacheStore } from "@weft/models/postgres";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
	CONNECTION,
	postgresAvailable,
} from "../../checkpoint-postgres/test/postgres.ts";
import { cachedResponse as entry, FakeModel } from "./fake-model.ts";

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

		it("answers every call while the server cuts the cache's connections", async () => {
			const table = `weft_cache_cut${process.pid}_${Date.now().toString(36)}`;
			tables.push(table);
			const app = `weft_cache_cut_${process.pid}`;
			const url = new URL(CONNECTION);
			url.searchParams.set("application_name", app);
			const store = new PostgresCacheStore({
				connectionString: url.toString(),
				table,
			});
			const router = new ModelRouter({
				models: {
					m: new FakeModel("m", [{ content: "ok" }], { temperature: 0 }),
				},
				cache: { store },
			});
			let cutting = true;
			const cutter = (async () => {
				while (cutting) {
					await admin.query(
						"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
						[app],
					);
					await new Promise((r) => setTimeout(r, 2));
				}
			})();
			const answers: unknown[] = [];
			try {
				for (let i = 0; i < 60; i++)
					answers.push((await router.invoke(`q${i % 7}`)).content);
			} finally {
				cutting = false;
				await cutter;
			}
			expect(answers.every((a) => a === "ok")).toBe(true);
			await store.close();
		});
	},
);
