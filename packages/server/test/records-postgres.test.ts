import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresRecords } from "../src/records/postgres-records.ts";
import { ThreadRegistry } from "../src/thread-registry.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
	if (available) db = await freshDatabase("weft_workers_records");
});
afterAll(async () => {
	await db?.drop();
});

describe.skipIf(!available)("thread and run records in Postgres", () => {
	it("a chosen thread id is claimed once: of two processes creating it at once, one gets it (audit, 1 Dec)", async () => {
		const [a, b] = await Promise.all([
			PostgresRecords.connect(db.url),
			PostgresRecords.connect(db.url),
		]);
		try {
			const [one, two] = [new ThreadRegistry(a), new ThreadRegistry(b)];
			await Promise.all([one.load(), two.load()]);
			for (let i = 0; i < 20; i++) {
				const threadId = `race-${i}`;
				const got = await Promise.all([
					one.claimThread({ threadId, owner: "ada" }),
					two.claimThread({ threadId, owner: "bob" }),
				]);
				expect(got.filter((t) => t !== undefined)).toHaveLength(1);
				const winner = got.find((t) => t !== undefined)!.owner;
				await Promise.all([one.flush(), two.flush()]);
				const stored = (await a.loadThreads()).find(
					(t) => t.threadId === threadId,
				);
				expect(stored?.owner).toBe(winner); // the loser never overwrote the owner
			}
			expect(await one.claimThread({ threadId: "race-0", owner: "ada" })).toBe(
				undefined,
			);
			for (const t of await a.loadThreads()) await a.deleteThread(t.threadId);
		} finally {
			await a.close();
			await b.close();
		}
	});

	it("two processes create the tables together; a new registry reads what the first wrote", async () => {
		const [a, b] = await Promise.all([
			PostgresRecords.connect(db.url),
			PostgresRecords.connect(db.url),
		]);
		try {
			const first = new ThreadRegistry(a);
			await first.load();
			const t = first.createThread({ owner: "web", metadata: { team: "x" } });
			t.metadata = { team: "y" };
			first.runs.set("r1", {
				runId: "r1",
				threadId: t.threadId,
				assistantId: "review",
				graphId: "review",
				owner: "web",
				status: "pending",
				metadata: {},
				multitaskStrategy: "reject",
				createdAt: t.createdAt,
				updatedAt: t.createdAt,
			});
			first.runs.get("r1")!.status = "running";
			await first.flush();

			const second = new ThreadRegistry(b);
			await second.load();
			expect(second.threads.get(t.threadId)).toMatchObject({
				owner: "web",
				metadata: { team: "y" },
			});
			expect(second.runsOf(t.threadId).map((r) => r.status)).toEqual([
				"running",
			]);
			second.threads.delete(t.threadId);
			second.runs.delete("r1");
			await second.flush();
			expect(await a.loadThreads()).toEqual([]);
			expect(await a.getRun("r1")).toBeUndefined();
		} finally {
			await a.close();
			await b.close();
		}
	});
});
