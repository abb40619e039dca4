import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { bearerTokens, createApp, type WeftApp } from "@weft/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refund } from "./fixtures/approval.ts";

let dir: string;
let checkpointer: SqliteCheckpointer;
let weft: WeftApp;

async function call(
	path: string,
	body?: unknown,
): Promise<{ status: number; json: any; text: string }> {
	const res = await weft.app.fetch(
		new Request(`http://studio.test${path}`, {
			method: body === undefined ? "GET" : "POST",
			headers: { "content-type": "application/json" },
			body: body === undefined ? null : JSON.stringify(body),
		}),
	);
	const text = await res.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, json, text };
}

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), "weft-studio-api-"));
	mkdirSync(join(dir, "dist", "assets"), { recursive: true });
	writeFileSync(join(dir, "dist", "index.html"), "<title>studio</title>");
	writeFileSync(join(dir, "dist", "assets", "a.js"), "export {}");
	writeFileSync(join(dir, "secret.txt"), "not served");
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	weft = createApp({
		graphs: { refund },
		checkpointer,
		studio: { dir: join(dir, "dist") },
	});
});
afterAll(async () => {
	await weft.close();
	await checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

describe("/studio/api", () => {
	it("lists threads newest first with status, searched by metadata and paged; inbox, tree and state", async () => {
		const ids: string[] = [];
		for (const customer of ["ada", "bob", "cy"]) {
			const t = await call("/threads", { metadata: { customer } });
			ids.push(t.json.thread_id);
			await call(`/threads/${t.json.thread_id}/runs/wait`, {
				assistant_id: "refund",
				input: { customer },
			});
		}
		const all = await call("/studio/api/threads?limit=2");
		expect(all.json.total).toBe(3);
		expect(all.json.threads.map((t: any) => t.thread_id)).toEqual([
			ids[2],
			ids[1],
		]);
		expect(all.json.threads[0]).toMatchObject({
			status: "interrupted",
			graph_id: "refund",
			branches: 1,
		});
		const page2 = await call("/studio/api/threads?limit=2&offset=2");
		expect(page2.json.threads.map((t: any) => t.thread_id)).toEqual([ids[0]]);
		const bob = await call("/studio/api/threads?q=bob");
		expect(bob.json.threads.map((t: any) => t.thread_id)).toEqual([ids[1]]);

		const inbox = await call("/studio/api/inbox");
		expect(inbox.json).toHaveLength(3);
		expect(inbox.json[0]).toMatchObject({
			node: "approve",
			value: { human: "approve-refund", request: { amount: 40 } },
		});

		const tree = await call(`/studio/api/threads/${ids[0]}/tree`);
		expect(tree.json.length).toBeGreaterThanOrEqual(2);
		const newest = tree.json[0];
		expect(newest.next).toEqual(["approve"]);
		const state = await call(
			`/studio/api/threads/${ids[0]}/checkpoints/${newest.checkpoint_id}`,
		);
		expect(state.json.values.messages.map((m: any) => m.id)).toEqual([
			"m1",
			"m2",
		]);
		expect(state.json.interrupts).toHaveLength(1);
		expect(state.json.has_graph).toBe(true);

		const missing = await call(
			`/studio/api/threads/${ids[0]}/checkpoints/nope`,
		);
		expect(missing.status).toBe(404);
		expect(missing.json.code).toBe("CHECKPOINT_NOT_FOUND");
		expect((await call("/studio/api/threads/unknown/tree")).status).toBe(404);
	});

	it("keeps a request of an older branch in the inbox once the newest branch is done", async () => {
		const t = (await call("/threads", {})).json.thread_id as string;
		await call(`/threads/${t}/runs/wait`, {
			assistant_id: "refund",
			input: { customer: "dee" },
		});
		// a fork at the paused step (a new customer written as draft's), which pauses at approve too
		const paused = (await call(`/threads/${t}/state`)).json;
		await call(`/threads/${t}/state`, {
			values: { customer: "eve" },
			as_node: "draft",
			checkpoint_id: paused.parent_checkpoint.checkpoint_id,
		});
		await call(`/threads/${t}/runs/wait`, {
			assistant_id: "refund",
			input: null,
		});
		const mine = async () =>
			((await call("/studio/api/inbox")).json as any[]).filter(
				(r) => r.thread_id === t,
			);
		expect(await mine()).toHaveLength(2);
		// the newest branch is answered and done: the thread reads done, the older branch still waits
		await call(`/threads/${t}/runs/wait`, {
			assistant_id: "refund",
			command: { resume: { action: "approve" } },
		});
		const left = await mine();
		expect(left).toHaveLength(1);
		expect(left[0].value.request.customer).toBe("dee");
	});

	it("serves the build, falls back to index.html for app paths, never outside the build", async () => {
		expect((await call("/studio/")).text).toContain("<title>studio</title>");
		expect((await call("/studio")).text).toContain("<title>studio</title>");
		expect((await call("/studio/assets/a.js")).text).toBe("export {}");
		expect((await call("/studio/threads/x")).text).toContain(
			"<title>studio</title>",
		);
		expect((await call("/studio/../secret.txt")).text).not.toContain(
			"not served",
		);
		expect((await call("/studio/%2e%2e/secret.txt")).text).not.toContain(
			"not served",
		);
	});

	// found from outside (6 Dec): /studio/assets (a folder) failed 500 with EISDIR and a stack trace in the
	// log; an unknown API route or a missing bundle answered 200 with the page's HTML
	it("answers a JSON 404 for an API route, a build file or a folder that is not there", async () => {
		for (const path of [
			"/studio/assets",
			"/studio/assets/",
			"/studio/assets/nope.js",
			"/studio/api",
			"/studio/api/",
			"/studio/api/nothing",
			"/studio/api/threads/x",
			"/studio/api/threads/x/checkpoints/",
		]) {
			const res = await call(path);
			expect(res.status, path).toBe(404);
			expect(res.json, path).toMatchObject({
				code: "NOT_FOUND",
				hint: expect.any(String),
			});
		}
	});

	it("says how to build the studio when it is not built", async () => {
		const bare = createApp({
			graphs: {},
			checkpointer,
			studio: { dir: join(dir, "none") },
		});
		const res = await bare.app.fetch(new Request("http://studio.test/studio/"));
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({
			code: "NOT_FOUND",
			hint: expect.stringContaining("build"),
		});
		await bare.close();
	});

	it("pages a thread's tree newest first by cursor (x-next-cursor), refusing an unknown cursor", async () => {
		const t = await call("/threads", { metadata: { customer: "dee" } });
		const id = t.json.thread_id;
		await call(`/threads/${id}/runs/wait`, {
			assistant_id: "refund",
			input: { customer: "dee" },
		});
		const all = (await call(`/studio/api/threads/${id}/tree`)).json;
		expect(all.length).toBeGreaterThanOrEqual(2);
		const seen: string[] = [];
		let cursor: string | null = "";
		while (cursor !== null) {
			const res = await weft.app.fetch(
				new Request(
					`http://studio.test/studio/api/threads/${id}/tree?limit=1&before=${cursor}`,
				),
			);
			const page = (await res.json()) as Array<{ checkpoint_id: string }>;
			expect(page.length).toBeLessThanOrEqual(1);
			seen.push(...page.map((r) => r.checkpoint_id));
			cursor = res.headers.get("x-next-cursor");
		}
		expect(seen).toEqual(all.map((r: any) => r.checkpoint_id));
		const bad = await call(`/studio/api/threads/${id}/tree?before=nope`);
		expect(bad.status).toBe(404);
		expect(bad.json.code).toBe("CHECKPOINT_NOT_FOUND");
	});

	it("describes a registered graph's nodes and edges by kind", async () => {
		const g = await call("/studio/api/graphs/refund");
		expect(g.json.edges).toContainEqual({
			source: "draft",
			target: "approve",
			kind: "edge",
		});
		expect((await call("/studio/api/graphs/nope")).json.code).toBe("NOT_FOUND");
	});

	it("under bearer auth serves the studio's files without a token, but not its API", async () => {
		const authed = createApp({
			graphs: { refund },
			checkpointer,
			studio: { dir: join(dir, "dist") },
			authenticate: bearerTokens(["ada:s3cret"]),
		});
		const get = (path: string, token?: string) =>
			authed.app.fetch(
				new Request(`http://studio.test${path}`, {
					headers:
						token === undefined ? {} : { authorization: `Bearer ${token}` },
				}),
			);
		expect((await get("/studio/")).status).toBe(200);
		expect((await get("/studio/assets/a.js")).status).toBe(200);
		expect((await get("/studio/api/info")).status).toBe(401);
		expect((await get("/studio/api/threads")).status).toBe(401);
		expect((await get("/threads/x/state")).status).toBe(401);
		expect((await get("/studio/api/info", "s3cret")).status).toBe(200);
		await authed.close();
	});
});
