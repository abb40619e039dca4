// threads.search / count on a server without auth also list the threads a script made on its store
// (decision 0236). A `metadata` filter on a key such a thread cannot have (its metadata is `{}` or
// `{ graph_id, assistant_id }`) rules them out without reading each one's newest checkpoint (decision 0247).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import type { Checkpointer } from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteRecords, serve } from "../src/index.ts";
import { review } from "./fixtures/graphs.ts";

let dir: string;
let close: () => Promise<void>;
let client: Client;
/** The checkpoint listings (`list`) the server asked its store for. */
let listings = 0;

/** The server's checkpointer, counting its `list` calls (the store's own methods do the work). */
function counting(store: SqliteCheckpointer): Checkpointer {
	return new Proxy(store, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (typeof value !== "function") return value;
			if (key === "list")
				return (...args: unknown[]) => {
					listings++;
					return value.apply(target, args);
				};
			return value.bind(target);
		},
	});
}

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-search-store-made-"));
	const path = join(dir, "weft.db");
	const checkpointer = new SqliteCheckpointer({ path });
	const records = await openSqliteRecords(path);
	const server = await serve({
		graphs: { review },
		checkpointer: counting(checkpointer),
		records,
		port: 0,
	});
	const library = new SqliteCheckpointer({ path });
	const graph = review.withCheckpointer(library);
	for (let i = 0; i < 5; i++)
		await graph.invoke({ topic: `lib-${i}` }, { threadId: `lib-${i}` });
	library.close();
	client = new Client({
		apiUrl: `http://127.0.0.1:${server.port}`,
		callerOptions: { maxRetries: 0 },
	});
	await client.threads.create({ threadId: "ada-1", metadata: { user: "ada" } });
	await client.threads.create({ threadId: "bob-1", metadata: { user: "bob" } });
	close = async () => {
		await server.close();
		await records.close();
		checkpointer.close();
		rmSync(dir, { recursive: true, force: true });
	};
});
afterAll(async () => {
	await close?.();
});

describe("threads.search by metadata with threads the library made", () => {
	it("a key no library thread has: only the server's matching threads, no library thread read", async () => {
		listings = 0;
		const found = await client.threads.search({ metadata: { user: "ada" } });
		expect(found.map((t) => t.thread_id)).toEqual(["ada-1"]);
		expect(await client.threads.count({ metadata: { user: "ada" } })).toBe(1);
		expect(listings).toBe(0);
	});

	it("an empty filter still lists them all, library threads included", async () => {
		expect(await client.threads.count({ metadata: {} })).toBe(7);
		const found = await client.threads.search({ metadata: {}, limit: 100 });
		expect(found.map((t) => t.thread_id).sort()).toEqual([
			"ada-1",
			"bob-1",
			"lib-0",
			"lib-1",
			"lib-2",
			"lib-3",
			"lib-4",
		]);
	});
});
