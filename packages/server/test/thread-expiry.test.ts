import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, expect, it } from "vitest";
import {
	createApp,
	openSqliteRecords,
	type ThreadRecord,
} from "../src/index.ts";
import { abc } from "./fixtures/audit-graphs.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-expiry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (
	threadId: string,
	at: string,
	ttlMinutes?: number,
): ThreadRecord => ({
	threadId,
	owner: undefined,
	metadata: {},
	createdAt: at,
	updatedAt: at,
	graphId: "abc",
	...(ttlMinutes === undefined ? {} : { ttlMinutes }),
});

it("deletes the threads whose ttl passed while no server ran, once it starts; a later update (a run's checkpoint) keeps one", async () => {
	const path = join(dir, "weft.db");
	const long = new Date(Date.now() - 3_600_000).toISOString();
	const records = await openSqliteRecords(path);
	for (const r of [
		record("expired", long, 1),
		record("run-since", long, 30),
		record("no-ttl", long),
		record("recent", new Date().toISOString(), 30),
	])
		await records.putThread(r);
	const checkpointer = new SqliteCheckpointer({ path });
	// its record is an hour old, but a run updates it now: within its 30 minutes
	await abc
		.withCheckpointer(checkpointer)
		.invoke({ n: 1 }, { threadId: "run-since" });
	const weft = createApp({ graphs: { abc }, checkpointer, records });
	await weft.ready;
	const status = async (id: string) =>
		(await weft.app.request(`/threads/${id}`)).status;
	const end = Date.now() + 60_000;
	while ((await status("expired")) !== 404 && Date.now() < end)
		await new Promise((r) => setTimeout(r, 100));
	expect(await status("expired")).toBe(404);
	expect(await status("run-since")).toBe(200);
	expect(await status("no-ttl")).toBe(200);
	expect(await status("recent")).toBe(200);
	await weft.close();
	expect((await records.loadThreads()).map((t) => t.threadId).sort()).toEqual([
		"no-ttl",
		"recent",
		"run-since",
	]);
	await records.close();
	checkpointer.close();
});

it("DELETE /threads/:id answers 204 only once the record's deletion is written: another API process creating the id then is not refused", async () => {
	const path = join(dir, "delete.db");
	const stored = await openSqliteRecords(path);
	// the deletion is written late, as to a database across a slow link
	let deleting: Promise<void> | undefined;
	const records = {
		...stored,
		loadThreads: () => stored.loadThreads(),
		loadRuns: () => stored.loadRuns(),
		deleteThread: (id: string) => {
			deleting = new Promise((r) => setTimeout(r, 200)).then(() =>
				stored.deleteThread(id),
			);
			return deleting;
		},
	};
	const checkpointer = new SqliteCheckpointer({ path });
	const weft = createApp({ graphs: { abc }, checkpointer, records });
	await weft.ready;
	const created = await weft.app.request("/threads", {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ thread_id: "gone" }),
	});
	expect(created.status).toBe(200);
	const deleted = await weft.app.request("/threads/gone", { method: "DELETE" });
	expect(deleted.status).toBe(204);
	expect(deleting).toBeDefined();
	expect(await stored.getThread("gone")).toBeUndefined();
	expect(
		await stored.claimThread(record("gone", new Date().toISOString())),
	).toBe(true);
	await weft.close();
	await stored.close();
	checkpointer.close();
});

it("a stateless run's thread left by a stopped API process (no run in flight) is swept a minute after its last update", async () => {
	const { ThreadRegistry } = await import("../src/thread-registry.ts");
	const { STATELESS_GRACE_MS, sweepExpiredThreads } = await import(
		"../src/thread-expiry.ts"
	);
	const checkpointer = new SqliteCheckpointer({
		path: join(dir, "stateless.db"),
	});
	const registry = new ThreadRegistry();
	let active: string | undefined;
	const ctx = {
		registry,
		checkpointer,
		runs: {
			activeRun: (id: string) => (id === active ? {} : undefined),
		},
	} as unknown as Parameters<typeof sweepExpiredThreads>[0];
	const left = registry.createThread({ owner: undefined, dropWhenDone: true });
	const running = registry.createThread({
		owner: undefined,
		dropWhenDone: true,
	});
	const kept = registry.createThread({ owner: undefined });
	await abc
		.withCheckpointer(checkpointer)
		.invoke({ n: 1 }, { threadId: left.threadId });
	active = running.threadId;
	// within the minute the process that made it may still be answering from it
	expect(await sweepExpiredThreads(ctx)).toBe(0);
	const later = Date.now() + STATELESS_GRACE_MS + 1000;
	expect(await sweepExpiredThreads(ctx, later)).toBe(1);
	expect([...registry.threads.values()].map((t) => t.threadId).sort()).toEqual(
		[running.threadId, kept.threadId].sort(),
	);
	expect(await checkpointer.getThread(left.threadId)).toBeUndefined();
	checkpointer.close();
});
