import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { multitaskCases } from "./fixtures/multitask-cases.ts";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const graphArgs = ["--graph", `slow=${graphs}#slow`];
const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;
const processes: WeftProcess[] = [];
let clients: Client[] = [];
/** The two API processes' URLs (the studio's read API too). */
let urls: string[] = [];

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("weft_race");
	const serveApi = () =>
		startProcess(
			["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
		);
	// the first API creates the schemas; then a second API and a worker
	const first = await serveApi();
	const [second, worker] = await Promise.all([
		serveApi(),
		startProcess(
			["worker", "--postgres", db.url, ...graphArgs, "--concurrency", "4"],
			/weft worker: ready/,
		),
	]);
	processes.push(first, second, worker);
	// two clients on each API process
	urls = [first.match[1]!, second.match[1]!];
	clients = [...urls, ...urls].map((apiUrl) => new Client({ apiUrl }));
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await Promise.all(processes.map((p) => p.stop()));
	await db?.drop();
}, 30_000);

describe.skipIf(!available)(
	"multitask_strategy on weft serve (2 API processes) + weft worker",
	() => {
		it(
			"reject: of concurrent runs.create on one thread, exactly one is admitted",
			() => multitaskCases.race(clients, 5),
			60_000,
		);
		it(
			"interrupt: of concurrent runs.create on a busy thread, none is refused THREAD_BUSY and one goes on",
			() => multitaskCases.concurrentStop(clients, "interrupt", 5),
			60_000,
		);
		it(
			"rollback: of concurrent runs.create on a busy thread, none is refused THREAD_BUSY and one goes on",
			() => multitaskCases.concurrentStop(clients, "rollback", 5),
			60_000,
		);
		it("enqueue, interrupt and rollback still work", async () => {
			await multitaskCases.enqueue(clients[0]!);
			await multitaskCases.interrupt(clients[1]!);
			await multitaskCases.rollback(clients[0]!);
		}, 60_000);
		it("interrupt and rollback stop the active run and the run enqueued behind it", async () => {
			await multitaskCases.behindQueue(clients[0]!, "interrupt");
			await multitaskCases.behindQueue(clients[1]!, "rollback");
		}, 60_000);
	},
);

describe.skipIf(!available)(
	"records written by one API process are read at once by the other (a cache miss reads the store)",
	() => {
		const status = (p: Promise<unknown>) =>
			p.then(
				() => 200,
				(e: { status?: number }) => e.status ?? 0,
			);

		it("a thread or run just made on one API is found on the other, without waiting for its notification", async () => {
			const [a, b] = clients as [Client, Client];
			for (let i = 0; i < 10; i++) {
				const { thread_id } = await a.threads.create();
				expect((await b.threads.get(thread_id)).thread_id).toBe(thread_id);
				const run = await b.runs.create(thread_id, "slow", {
					input: { ms: 1 },
				});
				expect((await a.runs.get(thread_id, run.run_id)).run_id).toBe(
					run.run_id,
				);
				await a.runs.join(thread_id, run.run_id);
			}
		}, 60_000);

		it("a thread's metadata updated on one API is read and searched updated on the other at once", async () => {
			const [a, b] = clients as [Client, Client];
			const { thread_id } = await a.threads.create({ metadata: { n: 0 } });
			// a run, so that the studio (which lists threads with checkpoints) lists it
			await a.runs.wait(thread_id, "slow", { input: { ms: 1 } });
			// b keeps the thread in its cache from now on
			expect((await b.threads.get(thread_id)).metadata).toMatchObject({ n: 0 });
			for (let n = 1; n <= 20; n++) {
				const [writer, reader] = n % 2 === 0 ? [a, b] : [b, a];
				await writer.threads.update(thread_id, { metadata: { n } });
				// the studio of the reader's process lists it so
				const studio = await fetch(
					`${urls[n % 2 === 0 ? 1 : 0]}/studio/api/threads?q=${thread_id}`,
				);
				const listed = (await studio.json()) as {
					threads: { metadata: { n?: number } }[];
				};
				expect(listed.threads[0]?.metadata.n).toBe(n);
				expect((await reader.threads.get(thread_id)).metadata).toMatchObject({
					n,
				});
				const found = await reader.threads.search({ metadata: { n } });
				expect(found.map((t) => t.thread_id)).toContain(thread_id);
			}
		}, 60_000);

		it("a thread deleted on one API and made again under its id on the other is found on both", async () => {
			const [a, b] = clients as [Client, Client];
			for (const [deleter, maker] of [
				[b, a],
				[a, b],
			] as const) {
				const threadId = crypto.randomUUID();
				await a.threads.create({ threadId });
				await deleter.threads.delete(threadId);
				expect(await status(deleter.threads.get(threadId))).toBe(404);
				await maker.threads.create({ threadId });
				for (const c of [a, b])
					expect((await c.threads.get(threadId)).thread_id).toBe(threadId);
				// and the one that deleted it runs on it
				const done = await deleter.runs.wait(threadId, "slow", {
					input: { ms: 1 },
				});
				expect(done).toMatchObject({ done: true });
			}
		}, 60_000);
	},
);
