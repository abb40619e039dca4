import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer, SqliteStore } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerTokens, serve } from "../src/index.ts";
import { memo } from "./fixtures/memory-graph.ts";

let dir: string;
let checkpointer: SqliteCheckpointer;
let store: SqliteStore;
let open: Awaited<ReturnType<typeof serve>>;
let authed: Awaited<ReturnType<typeof serve>>;
let client: Client;
const as = (port: number, token?: string) =>
	new Client({
		apiUrl: `http://127.0.0.1:${port}`,
		defaultHeaders:
			token === undefined ? {} : { Authorization: `Bearer ${token}` },
		callerOptions: { maxRetries: 0 },
	});

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-store-routes-"));
	const path = join(dir, "weft.db");
	checkpointer = new SqliteCheckpointer({ path });
	store = new SqliteStore({ path });
	open = await serve({ graphs: { memo }, checkpointer, store, port: 0 });
	authed = await serve({
		graphs: { memo },
		checkpointer,
		store,
		port: 0,
		authenticate: bearerTokens(["ada:secret-a", "bob:secret-b"]),
	});
	client = as(open.port);
});
afterAll(async () => {
	await open.close();
	await authed.close();
	await store.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

describe("client.store against a server with a SQLite store", () => {
	it("puts, gets, replaces and deletes an item", async () => {
		await client.store.putItem(["users", "u1", "prefs"], "tea", {
			kind: "green",
		});
		const item = await client.store.getItem(["users", "u1", "prefs"], "tea");
		expect(item).toMatchObject({
			namespace: ["users", "u1", "prefs"],
			key: "tea",
			value: { kind: "green" },
		});
		expect(Date.parse(item!.createdAt)).not.toBeNaN();
		await client.store.putItem(["users", "u1", "prefs"], "tea", {
			kind: "black",
		});
		expect(
			(await client.store.getItem(["users", "u1", "prefs"], "tea"))?.value,
		).toEqual({ kind: "black" });
		await client.store.deleteItem(["users", "u1", "prefs"], "tea");
		expect(
			await client.store.getItem(["users", "u1", "prefs"], "tea"),
		).toBeNull();
	});

	it("searches by prefix, filter, full-text query, limit and offset", async () => {
		const ns = ["docs", "search"];
		await client.store.putItem(ns, "a", {
			text: "green tea from Japan",
			lang: "en",
		});
		await client.store.putItem(ns, "b", {
			text: "black coffee, strong",
			lang: "en",
		});
		await client.store.putItem(ns, "c", { text: "thé vert", lang: "fr" });
		await client.store.putItem(["docs", "other"], "d", {
			text: "tea",
			lang: "en",
		});
		const all = await client.store.searchItems(ns, { limit: 10 });
		expect(all.items.map((i) => i.key).sort()).toEqual(["a", "b", "c"]);
		const fr = await client.store.searchItems(["docs"], {
			filter: { lang: "fr" },
		});
		expect(fr.items.map((i) => i.key)).toEqual(["c"]);
		const tea = await client.store.searchItems(ns, { query: "tea" });
		expect(tea.items[0]!.key).toBe("a");
		expect(typeof (tea.items[0] as { score?: number }).score).toBe("number");
		const page1 = await client.store.searchItems(["docs"], { limit: 2 });
		const page2 = await client.store.searchItems(["docs"], {
			limit: 2,
			offset: 2,
		});
		expect(page1.items.length).toBe(2);
		expect(
			new Set([...page1.items, ...page2.items].map((i) => i.key)).size,
		).toBe(4);
	});

	it("lists namespaces with prefix, suffix, maxDepth, limit and offset", async () => {
		await client.store.putItem(["ns", "a", "memories"], "k", { v: 1 });
		await client.store.putItem(["ns", "b", "memories"], "k", { v: 1 });
		await client.store.putItem(["ns", "b", "prefs"], "k", { v: 1 });
		const under = await client.store.listNamespaces({ prefix: ["ns"] });
		expect(under.namespaces).toEqual([
			["ns", "a", "memories"],
			["ns", "b", "memories"],
			["ns", "b", "prefs"],
		]);
		expect(
			(
				await client.store.listNamespaces({
					prefix: ["ns"],
					suffix: ["memories"],
				})
			).namespaces,
		).toEqual([
			["ns", "a", "memories"],
			["ns", "b", "memories"],
		]);
		expect(
			(await client.store.listNamespaces({ prefix: ["ns"], maxDepth: 2 }))
				.namespaces,
		).toEqual([
			["ns", "a"],
			["ns", "b"],
		]);
		expect(
			(
				await client.store.listNamespaces({
					prefix: ["ns"],
					limit: 1,
					offset: 1,
				})
			).namespaces,
		).toEqual([["ns", "b", "memories"]]);
	});

	it("answers bad input with 422 and the Weft error code", async () => {
		const url = `http://127.0.0.1:${open.port}`;
		const r = await fetch(`${url}/store/items`, {
			method: "PUT",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ namespace: [], key: "k", value: {} }),
		});
		expect(r.status).toBe(422);
		expect(await r.json()).toMatchObject({ code: "VALIDATION_FAILED" });
		const g = await fetch(`${url}/store/items?namespace=a`);
		expect(g.status).toBe(422);
		const template = await fetch(`${url}/store/items`, {
			method: "PUT",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ namespace: ["{user}"], key: "k", value: {} }),
		});
		expect(template.status).toBe(422);
		expect(await template.json()).toMatchObject({ code: "INVALID_NAMESPACE" });
	});

	it("gives runs the same store as ctx.store (a node's memory is readable over HTTP)", async () => {
		const out = (await client.runs.wait(null, "memo", {
			input: { topic: "oolong" },
		})) as { recalled: string[] };
		expect(out.recalled).toContain("oolong");
		expect((await client.store.getItem(["notes"], "oolong"))?.value).toEqual({
			text: "about oolong",
		});
	});
});

describe("the docs' example", () => {
	it("runs as docs/memory.md shows it", async () => {
		// #region store-http
		await client.store.putItem(["users", "u1", "prefs"], "tea", {
			text: "green tea, no sugar",
		});
		const item = await client.store.getItem(["users", "u1", "prefs"], "tea"); // { namespace, key, value, createdAt, updatedAt }
		const { items } = await client.store.searchItems(["users", "u1"], {
			query: "tea",
			limit: 5,
		});
		const { namespaces } = await client.store.listNamespaces({
			prefix: ["users"],
			maxDepth: 2,
		}); // [["users", "u1"]]
		await client.store.deleteItem(["users", "u1", "prefs"], "tea");
		// #endregion store-http
		expect(item?.value).toEqual({ text: "green tea, no sugar" });
		expect(items.map((i) => i.key)).toEqual(["tea"]);
		expect(namespaces).toContainEqual(["users", "u1"]);
	});
});

describe("store ownership with auth on", () => {
	it("a caller never sees another owner's items, namespaces or run memories", async () => {
		const ada = as(authed.port, "secret-a");
		const bob = as(authed.port, "secret-b");
		await ada.store.putItem(["memories"], "secret", { text: "ada's" });
		expect(await bob.store.getItem(["memories"], "secret")).toBeNull();
		expect((await bob.store.searchItems([])).items).toEqual([]);
		expect((await bob.store.listNamespaces()).namespaces).toEqual([]);
		await bob.store.deleteItem(["memories"], "secret");
		expect((await ada.store.getItem(["memories"], "secret"))?.value).toEqual({
			text: "ada's",
		});
		expect((await ada.store.listNamespaces()).namespaces).toEqual([
			["memories"],
		]);
		// a run started by ada remembers into ada's store only
		await ada.runs.wait(null, "memo", { input: { topic: "ada-topic" } });
		expect((await ada.store.getItem(["notes"], "ada-topic"))?.value).toEqual({
			text: "about ada-topic",
		});
		expect(await bob.store.getItem(["notes"], "ada-topic")).toBeNull();
		const bobRun = (await bob.runs.wait(null, "memo", {
			input: { topic: "bob-topic" },
		})) as { recalled: string[] };
		expect(bobRun.recalled).toEqual(["bob-topic"]);
		// the unauthenticated server's callers see neither
		expect(await client.store.getItem(["memories"], "secret")).toBeNull();
	});
});
