// Deploy probe (7 Dec): while the API's Postgres was unreachable, `weft serve` logged the same stack trace
// with its cause every 5 s from its store sweep ("cannot delete expired store items"), so an operator's
// log filled with identical stacks. A periodic job's first failure of an outage is logged in full, the
// repeats are counted (a one-line reminder each minute at most), and one line says when it recovered.

import { inspect } from "node:util";
import { PostgresCheckpointer, PostgresStore } from "@weft/checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openPostgresRecords, serve } from "../src/index.ts";
import { SWEEP_INTERVAL_MS } from "../src/sweep-every.ts";
import { slow } from "./fixtures/graphs.ts";
import {
	databaseSwitch,
	freshDatabase,
	postgresAvailable,
} from "./fixtures/processes.ts";

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
	if (available) db = await freshDatabase("outage_logs");
});
afterAll(async () => {
	for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
	await db?.drop();
}, 30_000);

/** What console.error wrote to stderr, one string per call (an error as Node prints it, with its fields). */
const lines = (logged: { mock: { calls: unknown[][] } }) =>
	logged.mock.calls.map((args) =>
		args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" "),
	);

describe.skipIf(!available)(
	"a periodic job of weft serve during a Postgres outage",
	() => {
		it("logs its first failure in full, not the repeats, and one line when it recovers", async () => {
			const logged = vi.spyOn(console, "error").mockImplementation(() => {});
			const checkpointer = await PostgresCheckpointer.connect({
				connectionString: db.url,
			});
			const records = await openPostgresRecords(db.url);
			const store = await PostgresStore.connect({ connectionString: db.url });
			const server = await serve({
				graphs: { slow },
				checkpointer,
				records,
				store,
				queue: true,
				port: 0,
				onServingLost: () => {},
			});
			cleanups.push(
				() => checkpointer.close(),
				() => records.close(),
				() => store.close(),
				() => server.close(),
			);

			const database = await databaseSwitch(db.url);
			cleanups.push(() => database.end());
			await database.refuse();
			const sweepFailed = (l: string) =>
				l.startsWith("weft server: cannot delete expired store items:");
			await vi.waitFor(
				() => expect(lines(logged).some(sweepFailed)).toBe(true),
				{
					timeout: 4 * SWEEP_INTERVAL_MS,
					interval: 100,
				},
			);
			// two more sweeps fail meanwhile (a wait, not a timing asserted: fewer would not make this pass)
			await new Promise((r) => setTimeout(r, 2.2 * SWEEP_INTERVAL_MS));
			const during = lines(logged).filter(sweepFailed);
			expect(during).toHaveLength(1);
			// the first one in full: its message, the hint to act on and where it failed
			expect(during[0]).toContain("Postgres did not answer");
			expect(during[0]).toMatch(/hint: .check that the server runs/);
			expect(during[0]).toMatch(/\n\s+at /);

			await database.allow();
			await vi.waitFor(
				() =>
					expect(lines(logged)).toContainEqual(
						expect.stringMatching(
							/^weft server: cannot delete expired store items: recovered after (?:[3-9]|[1-9]\d+) failures$/,
						),
					),
				{ timeout: 4 * SWEEP_INTERVAL_MS, interval: 100 },
			);
			expect(lines(logged).filter(sweepFailed)).toHaveLength(2);
			logged.mockClear();
		}, 60_000);
	},
);
