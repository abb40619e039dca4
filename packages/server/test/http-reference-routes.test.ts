import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { abc } from "./fixtures/audit-graphs.ts";

// Found probing `weft dev` from outside with plain HTTP, as LangGraph's API reference describes it (7 Dec)

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let url: string;
let client: Client;
let checkpointer: SqliteCheckpointer;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-reference-"));
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

const ids = (states: Array<{ checkpoint: { checkpoint_id?: unknown } }>) =>
	states.map((s) => s.checkpoint.checkpoint_id);

describe("GET /threads/:id/history (LangGraph's query form of the history)", () => {
	it("answers as the POST form: newest first, limit (default 10) and before", async () => {
		const t = (await client.threads.create()).thread_id;
		await client.runs.wait(t, "abc", { input: { n: 0 } });
		const posted = await client.threads.getHistory(t, { limit: 20 });
		expect(posted.length).toBeGreaterThan(3);
		const all = await fetch(`${url}/threads/${t}/history`);
		expect(all.status).toBe(200);
		expect(ids(await all.json())).toEqual(ids(posted));
		const two = await fetch(`${url}/threads/${t}/history?limit=2`);
		expect(ids(await two.json())).toEqual(ids(posted.slice(0, 2)));
		const before = posted[1]!.checkpoint.checkpoint_id!;
		const older = await fetch(
			`${url}/threads/${t}/history?limit=2&before=${before}`,
		);
		expect(ids(await older.json())).toEqual(
			ids(
				await client.threads.getHistory(t, {
					limit: 2,
					before: { configurable: { checkpoint_id: before } },
				}),
			),
		);
		expect(
			ids(
				await (
					await fetch(`${url}/threads/${t}/history?before=${before}`)
				).json(),
			),
		).toEqual(ids(posted.slice(2)));
	});

	it("refuses a limit that is not a whole number from 1 to 1000, naming it (422), and answers 404 for an unknown thread", async () => {
		const t = (await client.threads.create()).thread_id;
		const bad = await fetch(`${url}/threads/${t}/history?limit=ten`);
		expect(bad.status).toBe(422);
		expect(await bad.json()).toMatchObject({
			code: "VALIDATION_FAILED",
			detail: expect.stringContaining('"limit"'),
		});
		const missing = await fetch(
			`${url}/threads/${crypto.randomUUID()}/history`,
		);
		expect(missing.status).toBe(404);
		expect(await (await fetch(`${url}/threads/${t}/history`)).json()).toEqual(
			[],
		);
	});
});

describe("a known path asked with a method it does not serve", () => {
	it("answers 405 with Allow and the usual JSON error body, not 404", async () => {
		for (const [method, path, allowed] of [
			["PUT", "/threads", ["POST"]],
			["DELETE", "/ok", ["GET"]],
			["DELETE", `/threads/${crypto.randomUUID()}/history`, ["GET", "POST"]],
			["PUT", `/threads/${crypto.randomUUID()}`, ["GET", "PATCH", "DELETE"]],
		] as const) {
			const res = await fetch(`${url}${path}`, {
				method,
				headers: { Origin: "http://localhost:5173" },
			});
			expect(res.status, `${method} ${path}`).toBe(405);
			const allow = (res.headers.get("allow") ?? "").split(/\s*,\s*/);
			// a browser app reads it too
			expect(
				(res.headers.get("access-control-expose-headers") ?? "")
					.toLowerCase()
					.split(/\s*,\s*/),
			).toContain("allow");
			expect(allow).toEqual(expect.arrayContaining([...allowed]));
			expect(allow).not.toContain(method);
			expect(await res.json()).toMatchObject({
				code: "METHOD_NOT_ALLOWED",
				detail: expect.stringContaining(`${method} ${path}`),
				hint: expect.stringContaining(allowed[0]),
			});
		}
	});

	it("still answers 404 for a path no route has, and for a missing thread on a served method", async () => {
		const none = await fetch(`${url}/nothing/here`, { method: "PUT" });
		expect(none.status).toBe(404);
		expect(await none.json()).toMatchObject({ code: "NOT_FOUND" });
		const gone = await fetch(`${url}/threads/${crypto.randomUUID()}`);
		expect(gone.status).toBe(404);
		// a LangGraph route Weft does not support keeps its own answer (what is not supported, and why)
		const assistants = await fetch(`${url}/assistants/abc`, {
			method: "PATCH",
			headers: { "Content-Type": "application/json" },
			body: "{}",
		});
		expect(assistants.status).toBe(404);
		expect(await assistants.json()).toMatchObject({
			detail: expect.stringContaining("not supported"),
		});
	});
});

describe("runs.wait answers name the run, as LangGraph's server's do", () => {
	it("POST /threads/:id/runs/wait: Content-Location the run, Location its join", async () => {
		const t = (await client.threads.create()).thread_id;
		const res = await fetch(`${url}/threads/${t}/runs/wait`, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ assistant_id: "abc", input: { n: 1 } }),
		});
		expect(res.status).toBe(200);
		const [run] = await client.runs.list(t);
		expect(res.headers.get("content-location")).toBe(
			`/threads/${t}/runs/${run!.run_id}`,
		);
		expect(res.headers.get("location")).toBe(
			`/threads/${t}/runs/${run!.run_id}/join`,
		);
		expect(await res.json()).toMatchObject({ n: 112 });
		// the SDK reads the run's ids from Content-Location
		let created: { run_id: string; thread_id?: string } | undefined;
		await client.runs.wait(t, "abc", {
			input: { n: 2 },
			onRunCreated: (meta) => {
				created = meta;
			},
		});
		expect(created).toEqual({
			run_id: (await client.runs.list(t))[0]!.run_id,
			thread_id: t,
		});
	});

	it("POST /runs/wait (stateless): Content-Location and Location name the run on its thread", async () => {
		let created: { run_id: string; thread_id?: string } | undefined;
		const out = await client.runs.wait(null, "abc", {
			input: { n: 3 },
			onRunCreated: (meta) => {
				created = meta;
			},
		});
		expect(out).toMatchObject({ n: 114 });
		expect(created?.run_id).toMatch(/^[0-9a-f-]{36}$/);
		expect(created?.thread_id).toMatch(/^[0-9a-f-]{36}$/);
		const res = await fetch(`${url}/runs/wait`, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ assistant_id: "abc", input: { n: 4 } }),
		});
		const location = res.headers.get("content-location") ?? "";
		expect(location).toMatch(/^\/threads\/[0-9a-f-]{36}\/runs\/[0-9a-f-]{36}$/);
		expect(res.headers.get("location")).toBe(`${location}/join`);
		await res.json();
	});
});
