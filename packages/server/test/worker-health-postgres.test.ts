// A `weft worker` had no health endpoint: an orchestrator (Kubernetes) could not probe it at all, only
// see its process alive. `--health-port N` serves `GET /ok` as `weft serve` answers it (decision 0239):
// plain `/ok` is liveness (200 while the worker runs, asking nothing), `/ok?check_db=1` readiness (503
// STORE_UNAVAILABLE while its database does not answer); decision 0242.
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	databaseSwitch,
	freshDatabase,
	postgresAvailable,
	startProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
	if (available) db = await freshDatabase("server_left_worker_health");
});
afterAll(async () => {
	for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
	await db?.drop();
}, 30_000);

const get = async (url: string) => {
	const response = await fetch(url);
	return { status: response.status, body: await response.json() };
};

const worker = (...more: string[]) =>
	startProcess(
		[
			"worker",
			"--postgres",
			db.url,
			"--graph",
			`review=${graphs}#review`,
			...more,
		],
		/weft worker: ready \(.*health: (http:\/\/\S+)\/ok\)/,
	);

describe.skipIf(!available)("weft worker --health-port", () => {
	it("answers /ok while it runs, /ok?check_db=1 503 while its database is away, and stops with the worker", async () => {
		const w = await worker("--health-port", "0");
		cleanups.push(() => w.stop());
		const base = w.match[1]!;
		expect(await get(`${base}/ok`)).toEqual({
			status: 200,
			body: { ok: true },
		});
		expect(await get(`${base}/ok?check_db=1`)).toEqual({
			status: 200,
			body: { ok: true },
		});
		expect(await get(`${base}/ok?check_db=yes`)).toMatchObject({
			status: 422,
			body: { code: "VALIDATION_FAILED" },
		});
		expect(await get(`${base}/threads`)).toMatchObject({
			status: 404,
			body: { code: "NOT_FOUND" },
		});

		const database = await databaseSwitch(db.url);
		cleanups.push(() => database.end());
		await database.refuse();
		const away = await get(`${base}/ok?check_db=1`);
		expect(away.status).toBe(503);
		expect(away.body).toMatchObject({
			code: "STORE_UNAVAILABLE",
			hint: expect.any(String),
		});
		// liveness: a worker whose database is away is not restarted for it
		expect((await get(`${base}/ok`)).status).toBe(200);

		await database.allow();
		await expect
			.poll(async () => (await get(`${base}/ok?check_db=1`)).status, {
				timeout: 20_000,
				interval: 200,
			})
			.toBe(200);
		expect(await w.stop()).toBe(0);
		await expect(fetch(`${base}/ok`)).rejects.toThrow();
	}, 60_000);

	it("a --health-port in use is a USAGE error naming the flag", async () => {
		const taken: Server = createServer();
		await new Promise<void>((done) => taken.listen(0, "127.0.0.1", done));
		cleanups.push(
			() => new Promise((done) => taken.close(() => done(undefined))),
		);
		const port = (taken.address() as { port: number }).port;
		const refused = await worker("--health-port", String(port)).then(
			(w) => `started: ${w.output()}`,
			(error: Error) => error.message,
		);
		expect(refused).toMatch(/exited \(2\)/);
		expect(refused).toContain(`error USAGE port ${port} is in use`);
		expect(refused).toContain("hint: pass another --health-port");
	}, 60_000);
});
