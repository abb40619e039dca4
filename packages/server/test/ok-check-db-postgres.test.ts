// `GET /ok` is the health check deploy.md names for the load balancer. It answered 200 while the API
// process's Postgres was unreachable (deploy probe, 7 Dec): every request then failed 503, but the
// balancer kept sending them there. `GET /ok?check_db=1` (as LangGraph's server reads it) asks the
// database too (decision 0239); plain `/ok` stays a liveness answer that needs nothing.
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresRecords, serve } from "../src/index.ts";
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
	if (available) db = await freshDatabase("ok_check_db");
});
afterAll(async () => {
	for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
	await db?.drop();
}, 30_000);

const get = async (url: string) => {
	const response = await fetch(url);
	return { status: response.status, body: await response.json() };
};

describe.skipIf(!available)("GET /ok?check_db=1", () => {
	it("answers 200 while Postgres answers, 503 STORE_UNAVAILABLE while it is away, 200 again after", async () => {
		const checkpointer = await PostgresCheckpointer.connect({
			connectionString: db.url,
		});
		const records = await openPostgresRecords(db.url);
		const server = await serve({
			graphs: { slow },
			checkpointer,
			records,
			queue: true,
			port: 0,
			onServingLost: () => {},
		});
		cleanups.push(
			() => checkpointer.close(),
			() => records.close(),
			() => server.close(),
		);
		const base = `http://127.0.0.1:${server.port}`;
		expect(await get(`${base}/ok?check_db=1`)).toEqual({
			status: 200,
			body: { ok: true },
		});
		expect((await get(`${base}/ok?check_db=yes`)).status).toBe(422);

		const database = await databaseSwitch(db.url);
		cleanups.push(() => database.end());
		await database.refuse();
		// liveness: the process answers whatever its database does
		expect(await get(`${base}/ok`)).toEqual({
			status: 200,
			body: { ok: true },
		});
		const away = await get(`${base}/ok?check_db=1`);
		expect(away.status).toBe(503);
		expect(away.body).toMatchObject({ code: "STORE_UNAVAILABLE" });

		await database.allow();
		let back = 0;
		for (let i = 0; i < 100 && back !== 200; i++) {
			back = (await get(`${base}/ok?check_db=1`)).status;
			if (back !== 200) await new Promise((r) => setTimeout(r, 100));
		}
		expect(back).toBe(200);
	}, 60_000);
});
