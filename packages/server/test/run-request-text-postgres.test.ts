// `weft serve` keeps a run's request (input, command, config, context) in Postgres jsonb for the worker,
// and jsonb refuses a NUL character or a lone surrogate in a string. Such a request was a 500
// INTERNAL_ERROR from the database (and the SDK, taking a 500 for a passing failure, sent it again);
// it is a 422 SERIALIZATION_FAILED naming where the text is, with no run recorded (decision 0247).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { review } from "./fixtures/graphs.ts";
import { postgresAvailable } from "./fixtures/processes.ts";
import { type QueueServer, queueServer } from "./fixtures/queue-server.ts";

const available = await postgresAvailable();
let server: QueueServer;
beforeAll(async () => {
	if (available)
		server = await queueServer("weft_run_request_text", { review });
}, 60_000);
afterAll(async () => {
	await server?.close();
}, 30_000);

describe.skipIf(!available)(
	"a run request Postgres cannot keep (weft serve)",
	() => {
		it("is 422 SERIALIZATION_FAILED naming the text, and no run is recorded", async () => {
			const { client } = server;
			const T = (await client.threads.create()).thread_id;
			const cases: Array<[string, Record<string, unknown>]> = [
				["input.topic", { input: { topic: "a\u0000b" } }],
				["input.topic", { input: { topic: "\ud800" } }],
				["context.who", { input: { topic: "t" }, context: { who: "x\u0000" } }],
			];
			for (const [where, payload] of cases) {
				const error = (await client.runs
					.create(T, "review", payload)
					.catch((e: unknown) => e)) as Error & { status?: number };
				expect(error.status, where).toBe(422);
				expect(error.message, where).toContain("SERIALIZATION_FAILED");
				expect(error.message, where).toContain(where);
			}
			expect(await client.runs.list(T)).toEqual([]);
			expect((await client.threads.get(T)).status).toBe("idle");
			// the same thread takes a run it can keep (queued: no worker here)
			const ok = await client.runs.create(T, "review", {
				input: { topic: "plain" },
			});
			expect(ok.status).toBe("pending");
		}, 60_000);
	},
);
