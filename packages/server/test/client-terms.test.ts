import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { corruptCheckpoint, threadBusy } from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHttpError } from "../src/http-errors.ts";
import { serve } from "../src/index.ts";
import { abc } from "./fixtures/audit-graphs.ts";

// An error answer speaks to an HTTP or SDK client: it names the request's fields and the SDK's calls, not
// the library's functions and options, which no request can reach (found probing with plain HTTP, 7 Dec)

/** The library's names an answer must not carry: its calls, and its camelCase options. */
const LIBRARY =
	/getStateHistory|updateState:|asNode|waitForLease|recover\(\)|getThread\b/;

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let url: string;
let client: Client;
let checkpointer: SqliteCheckpointer;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-terms-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	server = await serve({ graphs: { abc }, checkpointer, port: 0 });
	url = `http://127.0.0.1:${server.port}`;
	client = new Client({ apiUrl: url, callerOptions: { maxRetries: 0 } });
});
afterAll(async () => {
	await server.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

const post = async (path: string, body: unknown) => {
	const res = await fetch(`${url}${path}`, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify(body),
	});
	return { status: res.status, body: await res.json() };
};

describe("error answers in a client's terms", () => {
	it("an update as a node the graph lacks names as_node, not the library's updateState: asNode", async () => {
		const t = (await client.threads.create()).thread_id;
		await client.runs.wait(t, "abc", { input: { n: 0 } });
		const update = await post(`/threads/${t}/state`, {
			values: { n: 1 },
			as_node: "zz",
		});
		const superstep = await post("/threads", {
			metadata: { graph_id: "abc" },
			supersteps: [{ updates: [{ values: { n: 1 }, as_node: "zz" }] }],
		});
		for (const { status, body } of [update, superstep]) {
			expect(status).toBe(422);
			expect(body).toMatchObject({
				code: "UNKNOWN_NODE",
				detail: expect.stringContaining('as_node "zz" is not a node'),
				hint: "use one of: a, b, c",
			});
			expect(`${body.detail} ${body.hint}`).not.toMatch(LIBRARY);
		}
	});

	it("the store's own THREAD_BUSY and CORRUPT_CHECKPOINT hints name what a client does, whatever route lets them through", () => {
		const busy = toHttpError(
			threadBusy("t1", { owner: "cli-1", expiresAt: "2026-12-07T23:00:00Z" }),
		);
		expect(busy.status).toBe(409);
		expect(busy.body.hint).not.toMatch(LIBRARY);
		expect(busy.body.hint).toContain("retry once");
		const corrupt = toHttpError(
			corruptCheckpoint({ threadId: "t1", checkpointId: "c9" }, "bad bytes"),
		);
		expect(corrupt.body.hint).not.toMatch(LIBRARY);
		expect(corrupt.body.hint).toContain(
			'threads.getHistory(thread, { before: "c9" })',
		);
		expect(corrupt.body.hint).toContain("threads.updateState");
	});
});
