// Ids that are not UUIDs (decision 0234 checked them; 0152 says which thread ids HTTP can carry): a
// thread the library made under an id the SDK cannot put in a path is reached by a client that
// percent-encodes it; a run id that is not a UUID is 422 INVALID_ID, as LangGraph's server answers, and
// a UUID that names no run 404, never a 500 (decision 0242).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { review } from "./fixtures/graphs.ts";

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let url: string;
let client: Client;
let checkpointer: SqliteCheckpointer;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-server-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	// as `weft run --thread user/42` leaves them: made by the library, not over HTTP
	for (const id of ["user/42", "a?b", "tab\tx"])
		await review
			.withCheckpointer(checkpointer)
			.invoke({ topic: "x" }, { threadId: id });
	server = await serve({ graphs: { review }, checkpointer, port: 0 });
	url = `http://127.0.0.1:${server.port}`;
	client = new Client({ apiUrl: url, callerOptions: { maxRetries: 0 } });
});
afterAll(async () => {
	await server.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

describe("ids that are not UUIDs", () => {
	it("a thread the library made under an id with / ? or a tab is reached percent-encoded, and resumed", async () => {
		for (const id of ["user/42", "a?b", "tab\tx"]) {
			const path = `${url}/threads/${encodeURIComponent(id)}`;
			const thread = await fetch(path);
			expect(thread.status).toBe(200);
			expect(await thread.json()).toMatchObject({
				thread_id: id,
				status: "interrupted",
			});
			const done = await fetch(`${path}/runs/wait`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({
					assistant_id: "review",
					command: { resume: "yes" },
				}),
			});
			expect(await done.json()).toMatchObject({ approved: true });
			// the SDK writes the id into the path as it is: another path, no such thread (decision 0152)
			await expect(client.threads.get(id)).rejects.toMatchObject({
				status: 404,
			});
		}
	});

	it("a run id that is not a UUID is 422 INVALID_ID on every run route, as LangGraph's server answers", async () => {
		const t = await client.threads.create();
		const bad = ["not-a-uuid", "a%2Fb", "%ZZ", "x".repeat(600)];
		for (const runId of bad)
			for (const [method, path] of [
				["GET", `threads/${t.thread_id}/runs/${runId}`],
				["GET", `threads/${t.thread_id}/runs/${runId}/join`],
				["GET", `threads/${t.thread_id}/runs/${runId}/stream`],
				["POST", `threads/${t.thread_id}/runs/${runId}/cancel`],
				["DELETE", `threads/${t.thread_id}/runs/${runId}`],
				["GET", `runs/${runId}/stream`],
				// checked before the thread is looked for, as LangGraph's server checks both ids first
				["GET", `threads/no-such-thread/runs/${runId}`],
			] as const) {
				const r = await fetch(`${url}/${path}`, { method });
				expect([method, path, r.status]).toEqual([method, path, 422]);
				expect(await r.json()).toMatchObject({
					code: "INVALID_ID",
					detail: expect.stringMatching(
						/^invalid run id .*: it is not a UUID$/,
					),
					hint: expect.stringContaining("run_id"),
				});
			}
		await expect(
			client.runs.get(t.thread_id, "not-a-uuid"),
		).rejects.toMatchObject({
			status: 422,
		});
		await expect(
			client.runs.join(t.thread_id, "not-a-uuid"),
		).rejects.toMatchObject({
			status: 422,
		});
		await expect(
			client.runs.cancel(t.thread_id, "not-a-uuid"),
		).rejects.toMatchObject({
			status: 422,
		});
	});

	it("/openapi.json says a run id is a UUID", async () => {
		const doc = await (await fetch(`${url}/openapi.json`)).json();
		const op = doc.paths["/threads/{thread_id}/runs/{run_id}"].get;
		expect(op.parameters).toContainEqual(
			expect.objectContaining({
				name: "run_id",
				schema: { type: "string", format: "uuid" },
			}),
		);
	});

	it("a run id that is a UUID but names no run is 404 NOT_FOUND", async () => {
		const t = await client.threads.create();
		const none = "00000000-0000-4000-8000-000000000000";
		for (const path of [
			`threads/${t.thread_id}/runs/${none}`,
			`threads/${t.thread_id}/runs/${none.toUpperCase()}/join`,
			`runs/${none}/stream`,
		]) {
			const r = await fetch(`${url}/${path}`);
			expect([path, r.status]).toEqual([path, 404]);
			expect(await r.json()).toMatchObject({ code: "NOT_FOUND" });
		}
	});

	it("a thread id no thread can have (too long, a NUL) is 422 INVALID_ID; any other unknown one 404", async () => {
		for (const [id, status, code] of [
			["x".repeat(513), 422, "INVALID_ID"],
			["a%00b", 422, "INVALID_ID"],
			["ticket-42", 404, "NOT_FOUND"],
			["x".repeat(512), 404, "NOT_FOUND"],
		] as const)
			for (const path of [
				`threads/${id}`,
				`threads/${id}/state`,
				`threads/${id}/runs`,
				`threads/${id}/runs/00000000-0000-4000-8000-000000000000`,
			]) {
				const r = await fetch(`${url}/${path}`);
				expect([path.slice(0, 60), r.status]).toEqual([
					path.slice(0, 60),
					status,
				]);
				expect(await r.json()).toMatchObject({ code });
			}
	});
});
