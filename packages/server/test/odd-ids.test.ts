// Ids that are not UUIDs (decision 0234 checked them; 0152 says which thread ids HTTP can carry): a
// thread the library made under an id the SDK cannot put in a path is reached by a client that
// percent-encodes it, and a run id that names nothing is 404, never a 500.
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

	it("a run id that names no run, a UUID or not, is 404 NOT_FOUND", async () => {
		const t = await client.threads.create();
		for (const runId of [
			"not-a-uuid",
			"a%2Fb",
			"%ZZ",
			"x".repeat(600),
			"00000000-0000-4000-8000-000000000000",
		]) {
			const r = await fetch(`${url}/threads/${t.thread_id}/runs/${runId}`);
			expect(r.status).toBe(404);
			expect(await r.json()).toMatchObject({ code: "NOT_FOUND" });
		}
	});
});
