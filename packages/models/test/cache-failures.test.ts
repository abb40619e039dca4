// Found from outside (6 Dec): a cache that failed failed the call. A store whose write threw lost the
// answer the model was paid for (and its usage); a row that did not read, or a cache database that did not
// answer, failed every call with that prompt, with no end. A cache never fails a call now.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	type CachedResponse,
	MemoryCacheStore,
	ModelRouter,
	weftMetadata,
} from "@weft/models";
import { SqliteCacheStore } from "@weft/models/sqlite";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { eventLog, FakeModel } from "./fake-model.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-cache-failures-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store whose reads or writes throw, as asked; it keeps the keys written. */
class FailingStore extends MemoryCacheStore {
	readonly keys: string[] = [];
	constructor(private readonly fails: { get?: boolean; set?: boolean }) {
		super();
	}
	override async get(key: string) {
		if (this.fails.get) throw new Error("connect ECONNREFUSED 127.0.0.1:1");
		return super.get(key);
	}
	override async set(key: string, value: CachedResponse) {
		if (this.fails.set) throw new Error("disk full");
		this.keys.push(key);
		return super.set(key, value);
	}
}

function routerOn(store: MemoryCacheStore | SqliteCacheStore, replies = 2) {
	const model = new FakeModel(
		"gpt-4o-mini",
		Array.from({ length: replies }, (_, i) => ({ content: `answer ${i}` })),
		{ temperature: 0 },
	);
	const log = eventLog();
	const router = new ModelRouter({
		models: { "gpt-4o-mini": model },
		cache: { store },
		onEvent: log.onEvent,
	});
	return { model, log, router };
}

async function streamed(router: ModelRouter, q: string) {
	let text = "";
	for await (const c of await router.stream(q)) text += String(c.content);
	return text;
}

describe("a cache that fails", () => {
	it("a write that throws: the call gives its answer and counts it; a cache event says why", async () => {
		const { model, log, router } = routerOn(new FailingStore({ set: true }));
		const answer = await router.invoke("q");
		expect(answer.content).toBe("answer 0");
		expect(weftMetadata(answer)).toMatchObject({ cache: "miss" });
		expect(await streamed(router, "q")).toBe("answer 1");
		expect(model.calls).toHaveLength(2);
		expect(router.usage.totals()).toMatchObject({ calls: 2 });
		expect(
			log.of("cache").map((e) => [e.result, e.reason?.split(":")[0]]),
		).toEqual([
			["miss", undefined],
			["error", "the answer could not be cached"],
			["miss", undefined],
			["error", "the answer could not be cached"],
		]);
	});

	it("a read that throws (the cache is down): a miss, with the reason; the model answers", async () => {
		const { model, log, router } = routerOn(new FailingStore({ get: true }));
		expect((await router.invoke("q")).content).toBe("answer 0");
		expect(await streamed(router, "q")).toBe("answer 1");
		expect(model.calls).toHaveLength(2);
		expect(log.of("cache").map((e) => [e.result, e.reason])).toEqual([
			["miss", "the cache could not be read: connect ECONNREFUSED 127.0.0.1:1"],
			["miss", "the cache could not be read: connect ECONNREFUSED 127.0.0.1:1"],
		]);
	});

	it("an entry that does not read as a cached answer: a miss, and the entry is dropped", async () => {
		const store = new FailingStore({});
		const { model, log, router } = routerOn(store);
		await router.invoke("q");
		await store.set(store.keys[0]!, {
			message: null,
		} as unknown as CachedResponse);
		expect((await router.invoke("q")).content).toBe("answer 1");
		expect(model.calls).toHaveLength(2);
		expect(log.of("cache")[1]).toMatchObject({
			result: "miss",
			reason: "the cached entry does not read (no message): dropped",
		});
		// the answer just given took its place
		expect((await router.invoke("q")).content).toBe("answer 1");
		expect(model.calls).toHaveLength(2);
	});

	it("a SQLite row cut short: no entry (dropped), so the call asks the model and stores again", async () => {
		const path = join(dir, "cut.db");
		const first = routerOn(new SqliteCacheStore({ path }));
		await first.router.invoke("q");
		const db = new Database(path);
		const table = (
			db
				.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
				.all() as { name: string }[]
		)[0]!.name;
		db.prepare(`UPDATE ${table} SET value = substr(value, 1, 20)`).run();
		db.close();
		const { model, router } = routerOn(new SqliteCacheStore({ path }));
		expect((await router.invoke("q")).content).toBe("answer 0");
		expect((await router.invoke("q")).content).toBe("answer 0");
		expect(model.calls).toHaveLength(1);
	});
});
