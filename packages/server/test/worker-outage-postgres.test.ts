// A `weft worker` whose Postgres becomes unreachable: its own sweeps (runs of lost workers, orphaned runs,
// expired events) dropped every failure, so nothing in its log said the database was away. They log as
// `weft serve`'s periodic jobs do (decision 0240): the first failure in full, a reminder a minute, one
// line on recovery (decision 0242).
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	databaseSwitch,
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
	if (available) db = await freshDatabase("server_left_worker_outage");
});
afterAll(async () => {
	for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
	await db?.drop();
}, 30_000);

const SWEEP_MS = 300;
const PREFIX = "weft worker: cannot sweep";

/** The lines of the worker's output that are about its sweeps. */
const sweepLines = (w: WeftProcess) =>
	w
		.output()
		.split("\n")
		.filter((l) => l.startsWith(PREFIX));

describe.skipIf(!available)("a weft worker's sweeps during an outage", () => {
	it("log the first failure in full, not the repeats, and one line when the database is back", async () => {
		const worker = await startProcess(
			[
				"worker",
				"--postgres",
				db.url,
				"--graph",
				`review=${graphs}#review`,
				"--sweep-ms",
				String(SWEEP_MS),
			],
			/weft worker: ready/,
		);
		cleanups.push(() => worker.stop());
		const database = await databaseSwitch(db.url);
		cleanups.push(() => database.end());
		await database.refuse();
		await expect
			.poll(() => sweepLines(worker).length, {
				timeout: 20 * SWEEP_MS,
				interval: 100,
			})
			.toBe(1);
		// more sweeps fail meanwhile (a wait, not a timing asserted: fewer would not make this pass)
		await new Promise((r) => setTimeout(r, 8 * SWEEP_MS));
		const during = sweepLines(worker);
		expect(during).toHaveLength(1);
		// in full: the message with the hint to act on, and where it failed
		const out = worker.output();
		const entry = out.slice(out.indexOf(PREFIX));
		expect(entry).toMatch(/not currently accepting connections|did not answer/);
		expect(entry).toMatch(/\n\s+at /);

		await database.allow();
		await expect
			.poll(() => sweepLines(worker).at(-1), {
				timeout: 40 * SWEEP_MS,
				interval: 100,
			})
			.toMatch(/: recovered after (?:[3-9]|[1-9]\d+) failures$/);
		expect(sweepLines(worker)).toHaveLength(2);
		expect(await worker.stop()).toBe(0);
	}, 60_000);
});
