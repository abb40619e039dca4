// A request for a thread while Postgres is away answers 503 STORE_UNAVAILABLE (try again), never 404
// "no thread" (a client that believed it would forget a thread that still exists): for a thread the
// server's records hold, and for one a script made with the library on the same database.
import type { Client } from "@langchain/langgraph-sdk";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { review } from "./fixtures/graphs.ts";
import {
	databaseSwitch,
	freshDatabase,
	postgresAvailable,
} from "./fixtures/processes.ts";
import { queueServer } from "./fixtures/queue-server.ts";

const available = await postgresAvailable();
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
	for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
}, 30_000);

/** A thread the library writes straight to the database (no server record of it). */
async function libraryThread(url: string, threadId: string): Promise<void> {
	const library = await PostgresCheckpointer.connect({ connectionString: url });
	try {
		await review.withCheckpointer(library).invoke({ topic: "d" }, { threadId });
	} finally {
		await library.close();
	}
}

async function get(url: string, threadId: string) {
	const res = await fetch(`${url}/threads/${threadId}`);
	return { status: res.status, body: (await res.json()) as { code?: string } };
}

describe.skipIf(!available)("a thread read while Postgres is away", () => {
	let server: Awaited<ReturnType<typeof queueServer>>;
	beforeAll(async () => {
		server = await queueServer("weft_thread_lookup_outage", { review });
		cleanups.push(() => server.close());
	}, 60_000);

	it("with the server's records: 503 for a thread made over HTTP and one made by the library", async () => {
		const client: Client = server.client;
		const made = await client.threads.create();
		await libraryThread(server.databaseUrl, "lib-thread-1");
		const database = await databaseSwitch(server.databaseUrl);
		cleanups.push(() => database.end());
		await database.refuse();
		try {
			for (const id of ["lib-thread-1", made.thread_id]) {
				const answer = await get(server.url, id);
				expect(answer.body.code, id).toBe("STORE_UNAVAILABLE");
				expect(answer.status, id).toBe(503);
			}
		} finally {
			await database.allow();
		}
		expect((await get(server.url, "lib-thread-1")).status).toBe(200);
	}, 60_000);

	it("with records in memory (serve() given only a Postgres checkpointer): 503, then 200 once it is back", async () => {
		const db = await freshDatabase("weft_thread_lookup_outage_mem");
		cleanups.push(() => db.drop());
		const checkpointer = await PostgresCheckpointer.connect({
			connectionString: db.url,
		});
		cleanups.push(() => checkpointer.close());
		const app = await serve({ graphs: { review }, checkpointer, port: 0 });
		cleanups.push(() => app.close());
		const url = `http://127.0.0.1:${app.port}`;
		await libraryThread(db.url, "lib-thread-2");
		expect((await get(url, "lib-thread-2")).status).toBe(200);
		// a second library thread this server has not read yet
		await libraryThread(db.url, "lib-thread-3");
		const database = await databaseSwitch(db.url);
		cleanups.push(() => database.end());
		await database.refuse();
		try {
			const answer = await get(url, "lib-thread-3");
			expect(answer.body.code).toBe("STORE_UNAVAILABLE");
			expect(answer.status).toBe(503);
		} finally {
			await database.allow();
		}
		expect((await get(url, "lib-thread-3")).status).toBe(200);
	}, 60_000);
});
