// Found from outside (6 Dec): a cache that failed failed the call. A store whose write threw lost the
// answer the model was paid for (and its usage); a row that did not read, or a cache database that did not
// answer, failed every call with that prompt, with no end. A cache never fails a call now.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isWeftError } from "@weft/checkpoint";
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

/** A store whose reads or writes never settle (a connection that hangs), as asked. */
class HangingStore extends MemoryCacheStore {
	constructor(
		private readonly hangs: { get?: boolean; set?: boolean },
		private readonly onGet?: () => void,
	) {
		super();
	}
	override get(key: string) {
		this.onGet?.();
		return this.hangs.get ? new Promise<never>(() => {}) : super.get(key);
	}
	override set(key: string, value: CachedResponse) {
		return this.hangs.set
			? new Promise<never>(() => {})
			: super.set(key, value);
	}
}

function routerOn(
	store: MemoryCacheStore | SqliteCacheStore,
	replies = 2,
	cache: { readTimeoutMs?: number } = {},
) {
	const model = new FakeModel(
		"gpt-4o-mini",
		Array.from({ length: replies }, (_, i) => ({ content: `answer ${i}` })),
		{ temperature: 0 },
	);
	const log = eventLog();
	const router = new ModelRouter({
		models: { "gpt-4o-mini": model },
		cache: { store, ...cache },
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

	// found from outside (7 Dec): a store that answers null for a key it lacks (as Redis clients and
	// many key-value stores do) got a miss "does not read (not an object): dropped", and a delete, each time
	it("a store that answers null for a key it lacks: a plain miss, nothing dropped", async () => {
		class NullStore extends MemoryCacheStore {
			deleted = 0;
			override async get(key: string) {
				return (await super.get(key)) ?? (null as unknown as undefined);
			}
			override async delete(key: string) {
				this.deleted += 1;
				return super.delete(key);
			}
		}
		const store = new NullStore();
		const { model, log, router } = routerOn(store);
		expect((await router.invoke("q")).content).toBe("answer 0");
		expect((await router.invoke("q")).content).toBe("answer 0");
		expect(model.calls).toHaveLength(1);
		expect(log.of("cache").map((e) => [e.result, e.reason])).toEqual([
			["miss", undefined],
			["hit", undefined],
		]);
		expect(store.deleted).toBe(0);
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

	// found from outside (7 Dec): a store whose get() or set() never settled held the call for ever, its
	// signal and timeoutMs ignored
	it("a read that never answers: a miss after cache.readTimeoutMs; the model answers", async () => {
		const { model, log, router } = routerOn(
			new HangingStore({ get: true }),
			2,
			{ readTimeoutMs: 20 },
		);
		expect((await router.invoke("q")).content).toBe("answer 0");
		expect(await streamed(router, "q")).toBe("answer 1");
		expect(model.calls).toHaveLength(2);
		expect(log.of("cache").map((e) => [e.result, e.reason])).toEqual([
			[
				"miss",
				"the cache could not be read: no answer within 20 ms (cache.readTimeoutMs): a miss",
			],
			[
				"miss",
				"the cache could not be read: no answer within 20 ms (cache.readTimeoutMs): a miss",
			],
		]);
	});

	it("a read that never answers, and the call's signal aborts: RUN_CANCELLED, nothing sent", async () => {
		for (const how of ["invoke", "stream"] as const) {
			const controller = new AbortController();
			const store = new HangingStore({ get: true }, () =>
				setTimeout(() => controller.abort(), 0),
			);
			// a wait far longer than the test: only the signal can end it
			const { model, router } = routerOn(store, 2, {
				readTimeoutMs: 600_000,
			});
			const error = await (how === "invoke"
				? router.invoke("q", { signal: controller.signal })
				: router.stream("q", { signal: controller.signal }).then(async (s) => {
						for await (const _ of s);
					})
			).catch((e: unknown) => e);
			expect(isWeftError(error, "RUN_CANCELLED"), String(error)).toBe(true);
			expect(model.calls).toHaveLength(0);
		}
	});

	it("a write that never settles: the answer is given all the same (the write is waited for at most cache.readTimeoutMs)", async () => {
		const { model, router } = routerOn(new HangingStore({ set: true }));
		expect((await router.invoke("q")).content).toBe("answer 0");
		expect(await streamed(router, "q")).toBe("answer 1");
		expect(model.calls).toHaveLength(2);
		expect(router.usage.totals()).toMatchObject({ calls: 2 });
	});

	it("cache.readTimeoutMs must be a timer's delay: > 0 and at most 2147483647 ms", () => {
		for (const readTimeoutMs of [0, -1, Number.NaN, 2 ** 31, "100"])
			expect(
				() =>
					new ModelRouter({
						models: { m: new FakeModel("m", []) },
						cache: { readTimeoutMs } as never,
					}),
			).toThrow(
				expect.objectContaining({
					code: "CONFIG_INVALID",
					message: expect.stringContaining("cache.readTimeoutMs"),
				}),
			);
	});
});
