import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

const fixture = (name: string) =>
	fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const available = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), "srvgaps-dev-pg-"));
const config = join(dir, "weft.json");
let db: Awaited<ReturnType<typeof freshDatabase>>;
let server: ServerProcess | undefined;

const start = () =>
	startWeft(
		[
			"--postgres",
			db.url,
			"dev",
			"--config",
			config,
			"--port",
			"0",
			"--auth",
			"--shutdown-grace",
			"5s",
		],
		{ WEFT_API_TOKENS: "ada:tok-a:approver,bob:tok-b" },
	);

beforeAll(async () => {
	if (!available) return;
	writeFileSync(
		config,
		JSON.stringify({
			graphs: {
				review: `${fixture("graphs.ts")}#review`,
				memo: `${fixture("memory-graph.ts")}#memo`,
			},
			answerScope: { review: "approver" },
		}),
	);
	db = await freshDatabase("srvgaps_devpg");
	server = await start();
}, 60_000);

afterAll(async () => {
	await server?.stop();
	await db?.drop();
	rmSync(dir, { recursive: true, force: true });
}, 30_000);

const as = (token: string) =>
	new Client({
		apiUrl: server!.url,
		defaultHeaders: { Authorization: `Bearer ${token}` },
		callerOptions: { maxRetries: 0 },
	});

describe.skipIf(!available)(
	"weft dev --postgres (one process on Postgres)",
	() => {
		it("runs, stores, keeps records across a restart, and enforces weft.json's answerScope", async () => {
			const ada = as("tok-a");
			const bob = as("tok-b");
			const thread = await bob.threads.create({ metadata: { team: "x" } });
			const paused = (await bob.runs.wait(thread.thread_id, "review", {
				input: { topic: "tea" },
			})) as { __interrupt__?: unknown[] };
			expect(paused.__interrupt__).toHaveLength(1);
			// bob lacks the approver scope weft.json asks for
			await expect(
				bob.runs.wait(thread.thread_id, "review", {
					command: { resume: "yes" },
				}),
			).rejects.toMatchObject({ status: 403 });
			const memo = await ada.threads.create();
			expect(
				await ada.runs.wait(memo.thread_id, "memo", {
					input: { topic: "tea" },
				}),
			).toMatchObject({ recalled: ["tea"] });

			expect(await server!.stop("SIGTERM")).toBe(0);
			server = await start();
			const again = as("tok-b");
			expect(
				(await again.threads.get(thread.thread_id)).metadata,
			).toMatchObject({
				team: "x",
			});
			expect(
				(await again.runs.list(thread.thread_id)).map((r) => r.status),
			).toEqual(["interrupted"]);
			expect(
				(await as("tok-a").store.getItem(["notes"], "tea"))?.value,
			).toEqual({ text: "about tea" });

			// everything is in Postgres: the server's records, the checkpoints, the store
			const client = new pg.Client({ connectionString: db.url });
			await client.connect();
			try {
				const { rows } = await client.query(
					"SELECT status FROM weft_server.runs WHERE thread_id = $1",
					[thread.thread_id],
				);
				expect(rows).toEqual([{ status: "interrupted" }]);
			} finally {
				await client.end();
			}
		}, 60_000);
	},
);
