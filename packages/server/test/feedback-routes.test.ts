import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { aggregateFeedback, listFeedback } from "@weft/evals";
import { SqliteEvalStore } from "@weft/evals/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WeftClient } from "../src/client.ts";
import { bearerTokens, serve } from "../src/index.ts";
import { review } from "./fixtures/graphs.ts";

let dir: string;
let checkpointer: SqliteCheckpointer;
let evals: SqliteEvalStore;
let server: Awaited<ReturnType<typeof serve>>;
let url: string;
const sdk = (token: string) =>
	new Client({
		apiUrl: url,
		defaultHeaders: { Authorization: `Bearer ${token}` },
		callerOptions: { maxRetries: 0 },
	});

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-feedback-routes-"));
	const path = join(dir, "weft.db");
	checkpointer = new SqliteCheckpointer({ path });
	evals = new SqliteEvalStore({ path });
	server = await serve({
		graphs: { review },
		checkpointer,
		feedback: evals,
		port: 0,
		authenticate: bearerTokens(["ada:secret-a", "bob:secret-b"]),
	});
	url = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
	await server.close();
	await evals.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

describe("feedback over HTTP", () => {
	it("records feedback on a thread and a checkpoint, lists it, and stores it where weft feedback reads", async () => {
		const ada = new WeftClient({ apiUrl: url, apiKey: "secret-a" });
		const thread = await sdk("secret-a").threads.create();
		await sdk("secret-a").runs.wait(thread.thread_id, "review", {
			input: { topic: "tea" },
		});
		const state = await sdk("secret-a").threads.getState(thread.thread_id);
		const f = await ada.feedback.create(thread.thread_id, {
			score: 1,
			label: "helpful",
			comment: "good plan",
			by: "someone-else",
		});
		expect(f).toMatchObject({
			thread_id: thread.thread_id,
			score: 1,
			label: "helpful",
			comment: "good plan",
			by: "ada",
			checkpoint_id: null,
		});
		await ada.feedback.create(thread.thread_id, {
			score: 0,
			checkpointId: state.checkpoint.checkpoint_id!,
		});
		expect(
			(await ada.feedback.list(thread.thread_id)).map((x) => x.score),
		).toEqual([1, 0]);
		expect(
			await ada.feedback.list(thread.thread_id, {
				checkpointId: state.checkpoint.checkpoint_id!,
			}),
		).toHaveLength(1);
		const stored = await listFeedback(evals, { threadId: thread.thread_id });
		expect(aggregateFeedback(stored)[0]).toMatchObject({
			count: 2,
			meanScore: 0.5,
		});
	});

	it("runs as docs/evals.md shows it", async () => {
		const { thread_id: threadId } = await sdk("secret-a").threads.create();
		await sdk("secret-a").runs.wait(threadId, "review", {
			input: { topic: "doc" },
		});
		// #region feedback-http
		const weft = new WeftClient({ apiUrl: url, apiKey: "secret-a" });
		await weft.feedback.create(threadId, {
			score: 1,
			label: "helpful",
			comment: "clear plan",
		});
		const given = await weft.feedback.list(threadId); // [{ feedback_id, thread_id, score, label, comment, by: "ada", … }]
		// #endregion feedback-http
		expect(given).toMatchObject([{ score: 1, by: "ada" }]);
	});

	it("is owner-checked, validated and typed", async () => {
		const thread = await sdk("secret-a").threads.create();
		await sdk("secret-a").runs.wait(thread.thread_id, "review", {
			input: { topic: "x" },
		});
		const bob = new WeftClient({ apiUrl: url, apiKey: "secret-b" });
		await expect(
			bob.feedback.create(thread.thread_id, { score: 1 }),
		).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
		await expect(bob.feedback.list(thread.thread_id)).rejects.toMatchObject({
			status: 404,
		});
		const ada = new WeftClient({ apiUrl: url, apiKey: "secret-a" });
		await expect(
			ada.feedback.create(thread.thread_id, {}),
		).rejects.toMatchObject({ status: 422, code: "VALIDATION_FAILED" });
		await expect(
			ada.feedback.create(thread.thread_id, {
				score: 1,
				checkpointId: "no-such-checkpoint",
			}),
		).rejects.toMatchObject({ status: 404, code: "CHECKPOINT_NOT_FOUND" });
		await expect(
			new WeftClient({ apiUrl: url }).feedback.list(thread.thread_id),
		).rejects.toMatchObject({ status: 401 });
	});

	it("threads.copy and stateless runs keep ownership", async () => {
		const ada = sdk("secret-a");
		const bob = sdk("secret-b");
		const thread = await ada.threads.create();
		await ada.runs.wait(thread.thread_id, "review", { input: { topic: "o" } });
		await expect(bob.threads.copy(thread.thread_id)).rejects.toMatchObject({
			status: 404,
		});
		const copy = await ada.threads.copy(thread.thread_id);
		await expect(bob.threads.get(copy.thread_id)).rejects.toMatchObject({
			status: 404,
		});
		let kept = "";
		const keep = { onCompletion: "keep" } as object;
		await ada.runs.wait(null, "review", {
			input: { topic: "stateless" },
			...keep,
			onRunCreated: (m) => {
				kept = m.thread_id ?? "";
			},
		});
		expect((await ada.threads.get(kept)).status).toBe("interrupted");
		await expect(bob.threads.get(kept)).rejects.toMatchObject({ status: 404 });
	});
});
