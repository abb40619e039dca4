import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

const available = await postgresAvailable();
const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
let db: Awaited<ReturnType<typeof freshDatabase>>;
const started: ServerProcess[] = [];

beforeAll(async () => {
	if (available) db = await freshDatabase("devpg_restart");
}, 60_000);
afterAll(async () => {
	for (const p of started) await p.stop().catch(() => {});
	await db?.drop();
}, 60_000);

const args = (...more: string[]) => [
	"--postgres",
	db.url,
	"dev",
	"--graph",
	`slow=${graphs}#slow`,
	"--port",
	"0",
	...more,
];

// As on a SQLite file (decision 0111): a restart that overlaps the old process's graceful shutdown waits
// for it instead of failing at once (decision 0138).
describe.skipIf(!available)("weft dev --postgres restarted", () => {
	it("waits for the old process's graceful shutdown, saying so, then serves; the run the old one finished reads so", async () => {
		const old = await startWeft(args("--shutdown-grace", "60s"));
		started.push(old);
		const client = new Client({ apiUrl: old.url });
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 6000 },
		});
		old.child.kill("SIGTERM");
		const oldExit = new Promise<number | null>((resolve) =>
			old.child.once("exit", (code) => resolve(code)),
		);
		const next = await startWeft(args());
		started.push(next);
		expect(next.output()).toMatch(/waiting for .*Postgres/);
		expect(await oldExit).toBe(0);
		const again = new Client({ apiUrl: next.url });
		expect((await again.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"success",
		);
		expect(
			await again.runs.wait(thread.thread_id, "slow", { input: { ms: 1 } }),
		).toMatchObject({ done: true });
		await next.stop();
	}, 90_000);

	it("the wait is bounded (--lock-wait): past it, STORE_UNAVAILABLE naming it", async () => {
		const first = await startWeft(args());
		started.push(first);
		const refused = await startWeft(args("--lock-wait", "1s")).then(
			(p) => {
				started.push(p);
				return "started";
			},
			(e: Error) => e.message,
		);
		expect(refused).toMatch(/waiting for/);
		expect(refused).toMatch(/STORE_UNAVAILABLE/);
		expect(refused).toMatch(/--lock-wait/);
		expect((await fetch(`${first.url}/ok`)).status).toBe(200);
		await first.stop();
	}, 60_000);
});
