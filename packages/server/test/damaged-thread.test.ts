// Outside check (a damaged row, 4 Dec): one thread whose newest checkpoint no longer reads made
// `threads.search` answer 500 for every thread, and `threads.get` of it too. Now that thread reads
// `error` without values in a listing and in `threads.get`; its state (`getState`) still refuses with
// CORRUPT_CHECKPOINT and the way past it; the other threads read as before; it can be deleted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { damageNewestCheckpoint } from "../../../test-setup/damage-row.ts";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

vi.setConfig({ testTimeout: 120_000 });

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
let dir: string;
let db: string;
let server: ServerProcess;
let client: Client;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-damaged-thread-"));
	db = join(dir, "weft.db");
	server = await startWeft([
		"--db",
		db,
		"dev",
		"--graph",
		`review=${graphs}#review`,
		"--port",
		"0",
	]);
	client = new Client({ apiUrl: server.url, callerOptions: { maxRetries: 0 } });
}, 60_000);
afterAll(async () => {
	expect(await server?.stop()).toBe(0);
	rmSync(dir, { recursive: true, force: true });
});

describe("a thread whose stored data is damaged, through the LangGraph SDK", () => {
	it("reads error in listings and threads.get; its state refuses; the others read; it can be deleted", async () => {
		for (const thread_id of ["ok", "bad"]) {
			await client.threads.create({ threadId: thread_id });
			await client.runs.wait(thread_id, "review", {
				input: { topic: thread_id },
			});
		}
		damageNewestCheckpoint(db, "bad");
		const all = await client.threads.search({ limit: 10 });
		expect(all.map((t) => [t.thread_id, t.status]).sort()).toEqual([
			["bad", "error"],
			["ok", "interrupted"],
		]);
		expect(all.find((t) => t.thread_id === "bad")?.values).toBeNull();
		expect(all.find((t) => t.thread_id === "ok")?.values).toMatchObject({
			topic: "ok",
		});
		expect(
			(await client.threads.search({ status: "error" })).map(
				(t) => t.thread_id,
			),
		).toEqual(["bad"]);
		expect(await client.threads.get("bad")).toMatchObject({
			status: "error",
			values: null,
		});
		await expect(client.threads.getState("bad")).rejects.toThrow(
			/CORRUPT_CHECKPOINT|is corrupt/,
		);
		expect((await client.threads.getState("ok")).next).toEqual(["review"]);
		await client.threads.delete("bad");
		expect(
			(await client.threads.search({ limit: 10 })).map((t) => t.thread_id),
		).toEqual(["ok"]);
	});
});
