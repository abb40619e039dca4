import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { answerAtInterrupt } from "./fixtures/answer-at-interrupt.ts";
import { review, slow } from "./fixtures/graphs.ts";

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
let checkpointer: SqliteCheckpointer;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-server-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	server = await serve({ graphs: { review, slow }, checkpointer, port: 0 });
	client = new Client({
		apiUrl: `http://127.0.0.1:${server.port}`,
		defaultHeaders: {},
	});
});
afterAll(async () => {
	await server.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

describe("the LangGraph SDK against an in-process server (SQLite)", () => {
	it("lists assistants, their graph and schemas", async () => {
		const found = await client.assistants.search({ graphId: "review" });
		expect(found.map((a) => a.graph_id)).toEqual(["review"]);
		const a = await client.assistants.get(found[0]!.assistant_id);
		expect(a.graph_id).toBe("review");
		const graph = await client.assistants.getGraph("review");
		expect(graph.nodes.map((n) => n.id)).toEqual(
			expect.arrayContaining(["plan", "review"]),
		);
		const schemas = await client.assistants.getSchemas("review");
		expect(schemas.state_schema).toMatchObject({ type: "object" });
	});

	it("runs with wait to an interrupt, resumes with command.resume, reads state and history", async () => {
		const thread = await client.threads.create({ metadata: { user: "ada" } });
		const paused = (await client.runs.wait(thread.thread_id, "review", {
			input: { topic: "tea" },
		})) as any;
		expect(paused.notes).toEqual(["plan tea"]);
		expect(paused.__interrupt__[0].value).toEqual({ question: "approve?" });
		const waiting = await client.threads.get(thread.thread_id);
		expect(waiting.status).toBe("interrupted");
		// the thread's interrupts are keyed by the id of the task that asked, as its state lists the task
		const task = (await client.threads.getState(thread.thread_id)).tasks[0]!;
		expect(task.interrupts).toHaveLength(1);
		expect(waiting.interrupts).toEqual({ [task.id]: task.interrupts });
		const done = (await client.runs.wait(thread.thread_id, "review", {
			command: { resume: "yes" },
		})) as any;
		expect(done).toMatchObject({
			approved: true,
			notes: ["plan tea", "review yes"],
		});
		const state = await client.threads.getState(thread.thread_id);
		expect(state.values).toMatchObject({ approved: true });
		expect(state.next).toEqual([]);
		const history = await client.threads.getHistory(thread.thread_id, {
			limit: 20,
		});
		expect(history.length).toBeGreaterThan(2);
		const first = history.at(-1)!;
		const old = await client.threads.getState(
			thread.thread_id,
			first.checkpoint.checkpoint_id!,
		);
		expect(old.checkpoint.checkpoint_id).toBe(first.checkpoint.checkpoint_id);
		const search = await client.threads.search({ metadata: { user: "ada" } });
		expect(search.map((t) => t.thread_id)).toContain(thread.thread_id);
		expect(
			(
				await client.threads.search({
					status: "idle",
					metadata: { user: "ada" },
				})
			).length,
		).toBe(1);
	});

	it("a stream's interrupt is seen once the run reads interrupted: an answer sent at once is taken", async () => {
		await answerAtInterrupt(client, 30);
	});

	it("streams values, updates and custom events with ids, and a reconnect resumes after Last-Event-ID", async () => {
		const thread = await client.threads.create();
		const parts: { event: string; data: any }[] = [];
		for await (const p of client.runs.stream(thread.thread_id, "review", {
			input: { topic: "jam" },
			streamMode: ["values", "updates", "custom"],
		}))
			parts.push(p);
		const events = parts.map((p) => p.event);
		expect(events[0]).toBe("metadata");
		expect(events).toEqual(
			expect.arrayContaining(["values", "updates", "custom"]),
		);
		expect(parts.find((p) => p.event === "custom")!.data).toEqual({
			planning: "jam",
		});
		const runId = parts[0]!.data.run_id as string;
		const all = [];
		for await (const p of client.runs.joinStream(thread.thread_id, runId))
			all.push(p);
		expect(all.map((p) => p.event)).toEqual(events);
		const rest = [];
		for await (const p of client.runs.joinStream(thread.thread_id, runId, {
			lastEventId: "2",
		}))
			rest.push(p);
		expect(rest).toEqual(all.slice(2));
	});

	it("forks with updateState and runs on from the fork", async () => {
		const thread = await client.threads.create();
		await client.runs.wait(thread.thread_id, "review", {
			input: { topic: "a" },
		});
		const history = await client.threads.getHistory(thread.thread_id);
		const afterPlan = history.find((h) => h.next.includes("review"))!;
		const fork = await client.threads.updateState(thread.thread_id, {
			values: { topic: "b" },
			checkpointId: afterPlan.checkpoint.checkpoint_id!,
			asNode: "plan",
		});
		const forkId = String(fork.configurable?.checkpoint_id);
		const forked = await client.threads.getState(thread.thread_id, forkId);
		expect(forked.values).toMatchObject({ topic: "b" });
		const paused = (await client.runs.wait(thread.thread_id, "review", {
			input: null,
			checkpointId: forkId,
		})) as any;
		expect(paused.__interrupt__).toHaveLength(1);
		const out = (await client.runs.wait(thread.thread_id, "review", {
			command: { resume: "no" },
		})) as any;
		expect(out).toMatchObject({ topic: "b", approved: false });
	});

	it("cancels a run, and rejects a second run on a busy thread with 409", async () => {
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 20_000 },
		});
		await expect(
			client.runs.wait(thread.thread_id, "slow", {
				input: {},
				multitaskStrategy: "reject",
			}),
		).rejects.toMatchObject({
			status: 409,
		});
		await client.runs.cancel(thread.thread_id, run.run_id, true);
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"cancelled",
		);
		const runs = await client.runs.list(thread.thread_id);
		expect(runs.map((r) => r.run_id)).toEqual([run.run_id]);
	});

	it("refuses updateState on a thread with a run in flight with 409 THREAD_BUSY naming the run, and a hint for a client of the API", async () => {
		// found by a helper (7 Dec): the refusal named the runner's lease holder and told to pass
		// { waitForLease: ms }, a library option no HTTP request can carry
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 20_000 },
		});
		const refused = await client.threads
			.updateState(thread.thread_id, { values: { ms: 1 } })
			.then(
				() => undefined,
				(e: { status: number; message: string }) => e,
			);
		expect(refused?.status).toBe(409);
		const answer = JSON.parse(refused!.message.replace(/^HTTP 409: /, ""));
		expect(answer).toMatchObject({ code: "THREAD_BUSY" });
		expect(answer.detail).toContain(run.run_id);
		expect(answer.hint).toContain("runs.join");
		expect(answer.hint).not.toContain("waitForLease");
		await client.runs.cancel(thread.thread_id, run.run_id, true);
		// once the run has stopped, the update goes through
		await client.threads.updateState(thread.thread_id, { values: { ms: 1 } });
		expect((await client.threads.getState(thread.thread_id)).values).toEqual({
			ms: 1,
			done: false,
		});
	});

	it("answers a cancel 204 once it waited for the run to stop (wait=1), 202 when it did not, as LangGraph's server", async () => {
		// found by a helper (7 Dec): a cancel with wait=1 answered 202 (LangGraph: 204 if wait else 202)
		const base = `http://127.0.0.1:${server.port}`;
		const cancel = async (t: string, r: string, q: string) =>
			(
				await fetch(`${base}/threads/${t}/runs/${r}/cancel?${q}`, {
					method: "POST",
				})
			).status;
		const thread = await client.threads.create();
		const start = () =>
			client.runs.create(thread.thread_id, "slow", {
				input: { ms: 20_000 },
				multitaskStrategy: "enqueue",
			});
		const a = await start();
		expect(await cancel(thread.thread_id, a.run_id, "wait=0")).toBe(202);
		await client.runs.join(thread.thread_id, a.run_id);
		const b = await start();
		expect(await cancel(thread.thread_id, b.run_id, "wait=1")).toBe(204);
		expect((await client.runs.get(thread.thread_id, b.run_id)).status).toBe(
			"cancelled",
		);
		const c = await start();
		expect(
			await cancel(thread.thread_id, c.run_id, "wait=true&action=rollback"),
		).toBe(204);
		// a run that had ended: nothing to wait for, still 204 with wait
		expect(await cancel(thread.thread_id, b.run_id, "wait=1")).toBe(204);
		expect(await cancel(thread.thread_id, b.run_id, "")).toBe(202);
	});

	it("answers 404 with the WeftError code for an unknown thread, and 422 for a bad body", async () => {
		const base = `http://127.0.0.1:${server.port}`;
		const r = await fetch(`${base}/threads/nope/state`);
		expect(r.status).toBe(404);
		expect(await r.json()).toMatchObject({ code: "NOT_FOUND" });
		// found by a helper (7 Dec): an unknown checkpoint's hint named the library's getStateHistory()
		const thread = await client.threads.create();
		await client.runs.wait(thread.thread_id, "review", {
			input: { topic: "x" },
		});
		const at = await fetch(
			`${base}/threads/${thread.thread_id}/state/01a251e7-a8a0-77bc-979c-2f507361c3a7`,
		);
		expect(at.status).toBe(404);
		const missing = (await at.json()) as { code: string; hint: string };
		expect(missing.code).toBe("CHECKPOINT_NOT_FOUND");
		expect(missing.hint).toContain("threads.getHistory");
		expect(missing.hint).not.toContain("getStateHistory");
		const bad = await fetch(`${base}/threads/search`, {
			method: "POST",
			body: JSON.stringify({ limit: "x" }),
		});
		expect(bad.status).toBe(422);
		expect(await bad.json()).toMatchObject({ code: "VALIDATION_FAILED" });
		expect((await fetch(`${base}/ok`)).status).toBe(200);
		const doc = (await (await fetch(`${base}/openapi.json`)).json()) as any;
		expect(
			doc.components.schemas.RunCreate.properties.assistant_id,
		).toBeDefined();
	});
});
