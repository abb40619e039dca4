import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { review, slow } from "./fixtures/graphs.ts";

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
let checkpointer: SqliteCheckpointer;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-stateless-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	server = await serve({
		graphs: { review, slow },
		checkpointer,
		port: 0,
		maxBodyBytes: 64 * 1024,
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

/** Waits until `check` is true (the thread deletion follows the run's end). */
async function until(check: () => Promise<boolean>): Promise<void> {
	for (let i = 0; i < 200 && !(await check()); i++)
		await new Promise((r) => setTimeout(r, 25));
	expect(await check()).toBe(true);
}

const threadIds = async () =>
	(await checkpointer.listThreads()).map((t) => t.threadId);

describe("stateless runs (no thread) through the SDK", () => {
	it("runs.wait(null, …) answers the output and deletes its thread", async () => {
		const before = await threadIds();
		let threadId = "";
		const out = (await client.runs.wait(null, "review", {
			input: { topic: "tea" },
			onRunCreated: (m) => {
				threadId = m.thread_id ?? "";
			},
		})) as any;
		expect(out.notes).toEqual(["plan tea"]);
		expect(out.__interrupt__[0].value).toEqual({ question: "approve?" });
		expect(threadId).not.toBe("");
		await until(async () => !(await threadIds()).includes(threadId));
		expect(await threadIds()).toEqual(before);
		await expect(client.threads.get(threadId)).rejects.toMatchObject({
			status: 404,
		});
	});

	it('keeps the thread with onCompletion: "keep", and it can be resumed', async () => {
		let threadId = "";
		// the SDK's types leave onCompletion out for stateless runs, but it sends it (LangGraph's API has it)
		const keep = { onCompletion: "keep" } as object;
		await client.runs.wait(null, "review", {
			input: { topic: "kept" },
			...keep,
			onRunCreated: (m) => {
				threadId = m.thread_id ?? "";
			},
		});
		expect((await client.threads.get(threadId)).status).toBe("interrupted");
		const done = (await client.runs.wait(threadId, "review", {
			command: { resume: "yes" },
		})) as any;
		expect(done.approved).toBe(true);
	});

	it("runs.stream(null, …) streams the run's events", async () => {
		const events: string[] = [];
		let last: any;
		for await (const p of client.runs.stream(null, "review", {
			input: { topic: "s" },
			streamMode: ["values", "custom"],
		})) {
			events.push(p.event);
			if (p.event === "values") last = p.data;
		}
		expect(events[0]).toBe("metadata");
		expect(events).toContain("custom");
		expect(last.__interrupt__[0].value).toEqual({ question: "approve?" });
	});

	it("runs.joinStream(null, runId) joins a stateless run's stream (GET /runs/:run_id/stream); an unknown run is 404", async () => {
		// kept (runs.stream sends onCompletion; runs.create does not), so its record outlives the run
		let runId = "";
		for await (const p of client.runs.stream(null, "review", {
			input: { topic: "joined" },
			streamMode: ["values", "custom"],
			...({ onCompletion: "keep" } as object),
		}))
			if (p.event === "metadata") runId = (p.data as { run_id: string }).run_id;
		const events: string[] = [];
		let last: any;
		for await (const p of client.runs.joinStream(null, runId)) {
			events.push(p.event);
			if (p.event === "values") last = p.data;
		}
		expect(events[0]).toBe("metadata");
		expect(last.__interrupt__[0].value).toEqual({ question: "approve?" });
		const modes: string[] = [];
		for await (const p of client.runs.joinStream(null, runId, {
			streamMode: ["custom"],
		}))
			modes.push(p.event);
		expect(new Set(modes)).toEqual(new Set(["metadata", "custom"]));
		const missing = await fetch(
			`http://127.0.0.1:${server.port}/runs/00000000-0000-4000-8000-000000000000/stream`,
		);
		expect(missing.status).toBe(404);
		expect(await missing.json()).toMatchObject({ code: "NOT_FOUND" });
	});

	it("runs.create(null, …) starts a background run whose thread goes when it ends; unknown assistants are 404", async () => {
		const run = await client.runs.create(null, "slow", { input: { ms: 1 } });
		expect(run.status).toMatch(/pending|running/);
		expect(run.thread_id).toBeTruthy();
		await until(async () => !(await threadIds()).includes(run.thread_id));
		await expect(
			client.runs.wait(null, "nope", { input: {} }),
		).rejects.toMatchObject({ status: 404 });
		// assistants have no owner: the hint lists what can be asked for (found by a new user's probe)
		const unknown = await fetch(`http://127.0.0.1:${server.port}/runs/wait`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ assistant_id: "nope", input: {} }),
		});
		expect(unknown.status).toBe(404);
		const body = (await unknown.json()) as { code: string; hint: string };
		expect(body.code).toBe("NOT_FOUND");
		expect(body.hint).toContain("slow");
		expect(body.hint).not.toContain("credentials");
	});
});

describe("threads.copy and on_disconnect", () => {
	it("copies a thread with its history and pending interrupt; the copy resumes on its own", async () => {
		const t = await client.threads.create({ metadata: { who: "ada" } });
		await client.runs.wait(t.thread_id, "review", { input: { topic: "x" } });
		const copy = await client.threads.copy(t.thread_id);
		expect(copy.thread_id).not.toBe(t.thread_id);
		expect(copy.metadata).toMatchObject({ who: "ada" });
		expect(copy.status).toBe("interrupted");
		const original = await client.threads.getHistory(t.thread_id, {
			limit: 50,
		});
		const copied = await client.threads.getHistory(copy.thread_id, {
			limit: 50,
		});
		expect(copied.map((s) => s.checkpoint.checkpoint_id)).toEqual(
			original.map((s) => s.checkpoint.checkpoint_id),
		);
		const done = (await client.runs.wait(copy.thread_id, "review", {
			command: { resume: "no" },
		})) as any;
		expect(done.notes).toEqual(["plan x", "review no"]);
		expect((await client.threads.get(t.thread_id)).status).toBe("interrupted");
		await expect(client.threads.copy("missing")).rejects.toMatchObject({
			status: 404,
		});
	});

	it('runs.stream with onDisconnect: "cancel" cancels the run when the client leaves', async () => {
		const t = await client.threads.create();
		const leave = new AbortController();
		let runId = "";
		try {
			for await (const p of client.runs.stream(t.thread_id, "slow", {
				input: { ms: 60_000 },
				streamMode: ["custom"],
				onDisconnect: "cancel",
				signal: leave.signal,
			})) {
				if (p.event === "metadata") runId = (p.data as any).run_id;
				if (p.event === "custom") leave.abort();
			}
		} catch {
			// the SDK may throw the abort, or just end the stream
		}
		expect(runId).not.toBe("");
		await until(
			async () =>
				((await client.runs.get(t.thread_id, runId)).status as string) ===
				"cancelled",
		);
	});
});

describe("limits", () => {
	it("refuses a body over maxBodyBytes with 413 and a typed error", async () => {
		const big = "x".repeat(70 * 1024);
		await expect(
			client.runs.wait(null, "review", { input: { topic: big } }),
		).rejects.toMatchObject({ status: 413 });
		const r = await fetch(`http://127.0.0.1:${server.port}/threads`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ metadata: { big } }),
		});
		expect(r.status).toBe(413);
		expect(await r.json()).toMatchObject({ code: "VALIDATION_FAILED" });
	});
});
