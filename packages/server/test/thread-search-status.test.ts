// `threads.search` / `threads.count` with a `status` filter read each thread's stored status (its store row)
// and its run records first, and a thread's state only where they leave its status open: a busy thread, a
// failed one, a cancelled one is told without reading its state (decision 0254). The answers are those
// every thread's own `threads.get` gives.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { serve } from "../src/index.ts";
import { fails, review, slow } from "./fixtures/graphs.ts";

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let checkpointer: SqliteCheckpointer;
let client: Client;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-search-status-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	// the busy thread's run is stopped at close
	server = await serve({
		graphs: { review, slow, fails },
		checkpointer,
		port: 0,
		shutdownGraceMs: 0,
	});
	client = new Client({
		apiUrl: `http://127.0.0.1:${server.port}`,
		callerOptions: { maxRetries: 0 },
	});
});
afterAll(async () => {
	await server.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>): Promise<void> {
	for (let i = 0; i < 400 && !(await check()); i++)
		await new Promise((r) => setTimeout(r, 25));
	expect(await check()).toBe(true);
}

/** The threads whose checkpoints (their state) were read while `act` ran. */
async function stateReads(act: () => Promise<unknown>): Promise<string[]> {
	const read: string[] = [];
	const getTuple = checkpointer.getTuple.bind(checkpointer);
	const spy = vi
		.spyOn(checkpointer, "getTuple")
		.mockImplementation((config, ...rest) => {
			read.push(String(config.threadId));
			return getTuple(config, ...rest);
		});
	try {
		await act();
	} finally {
		spy.mockRestore();
	}
	return read;
}

describe("threads.search with a status filter", () => {
	it("answers what threads.get says of each thread, reading a state only where the stored status leaves it open", async () => {
		const made = async (graph: string, input?: Record<string, unknown>) => {
			const t = await client.threads.create({ graphId: graph });
			// a failed run's wait rejects (NODE_FAILED): its thread reads error
			if (input !== undefined)
				await client.runs.wait(t.thread_id, graph, { input }).catch(() => {});
			return t.thread_id;
		};
		const empty = await made("slow");
		const done = await made("slow", { ms: 1 });
		const interrupted = await made("review", { topic: "a" });
		const failed = await made("fails", { topic: "b" });
		const cancelled = await made("slow");
		const c = await client.runs.create(cancelled, "slow", { input: {} });
		await until(
			async () =>
				(await client.runs.get(cancelled, c.run_id)).status === "running",
		);
		await client.runs.cancel(cancelled, c.run_id, true);
		const busy = await made("slow");
		await client.runs.create(busy, "slow", { input: {} });
		await until(async () => (await client.threads.get(busy)).status === "busy");

		const all = [empty, done, interrupted, failed, cancelled, busy];
		const statusOf = new Map<string, string>();
		for (const id of all)
			statusOf.set(id, (await client.threads.get(id)).status);
		expect([...statusOf.values()].sort()).toEqual(
			["busy", "error", "idle", "idle", "idle", "interrupted"].sort(),
		);

		for (const status of ["idle", "busy", "interrupted", "error"] as const) {
			const want = all.filter((id) => statusOf.get(id) === status).sort();
			let found: string[] = [];
			const reads = await stateReads(async () => {
				found = (await client.threads.search({ status, limit: 100 }))
					.map((t) => t.thread_id)
					.sort();
			});
			expect(found, status).toEqual(want);
			expect(await client.threads.count({ status })).toBe(want.length);
			// the answered page is read to be answered; no other thread's state is read to filter
			const filtered = reads.filter((id) => !want.includes(id));
			// idle, interrupted and error are told apart by the state: read for a thread left done (it may
			// be paused), never for one busy, failed or cancelled (told by its records)
			const open =
				status === "busy"
					? []
					: status === "interrupted"
						? [done]
						: status === "idle"
							? [done, interrupted, cancelled, empty]
							: [done, interrupted, cancelled, empty, failed];
			expect(
				filtered.filter((id) => !open.includes(id)),
				status,
			).toEqual([]);
		}
		await client.runs.cancel(
			busy,
			(await client.runs.list(busy))[0]!.run_id,
			true,
		);
	}, 60_000);
});
