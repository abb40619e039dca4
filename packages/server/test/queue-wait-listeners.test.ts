// A run's wait in worker mode (`weft serve`) wakes on a notification or polls each second; a client's
// long runs.wait waits again and again with one request signal. Each wait used to leave its abort
// listener on that signal (11 after 11 s: MaxListenersExceededWarning, found by the auth audit, 1 Dec).
// Every run an API process queued also stayed in its map of runs being recorded, and every wait that
// ended on its poll left an empty set of waiters: a long-lived \`weft serve\` grew with each run.
import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresRecords } from "../src/records/postgres-records.ts";
import { ThreadRegistry } from "../src/thread-registry.ts";
import { QueueRunManager } from "../src/worker/queue-run-manager.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
	if (available) db = await freshDatabase("weft_queue_wait_listeners");
});
afterAll(async () => {
	await db?.drop();
});

describe.skipIf(!available)("a run's wait on the queue", () => {
	it("leaves no abort listener behind when it wakes", async () => {
		const records = await PostgresRecords.connect(db.url);
		const registry = new ThreadRegistry(records);
		await registry.load();
		const manager = await QueueRunManager.open(
			registry,
			records,
			async () => ({}),
		);
		try {
			const request = new AbortController();
			// no such run: each wait ends on its one-second poll
			for (let i = 0; i < 3; i++) await manager.wait("no-run", request.signal);
			expect(getEventListeners(request.signal, "abort")).toHaveLength(0);
			expect(manager.tracked().waitedOn).toBe(0);
		} finally {
			await manager.close();
			await records.close();
		}
	}, 20_000);

	it("keeps nothing of a run once it is recorded and its waits have ended", async () => {
		const records = await PostgresRecords.connect(db.url);
		const registry = new ThreadRegistry(records);
		await registry.load();
		const manager = await QueueRunManager.open(
			registry,
			records,
			async () => ({}),
		);
		try {
			for (let i = 0; i < 3; i++) {
				const thread = registry.createThread({ owner: undefined });
				const run = await manager.start(
					undefined as never,
					{
						threadId: thread.threadId,
						assistantId: "a",
						graphId: "g",
						owner: undefined,
						metadata: {},
						multitaskStrategy: "reject",
					},
					{ assistant_id: "a" } as never,
				);
				await manager.cancel(run, false);
				await manager.wait(run.runId);
			}
			await new Promise((resolve) => setImmediate(resolve));
			expect(manager.tracked()).toEqual({ recording: 0, waitedOn: 0 });
		} finally {
			await manager.close();
			await records.close();
		}
	}, 20_000);
});
