// The router's write of an answer to its cache (decision 0244): it was not waited for, so a process that
// ended right after a call (a CLI run, a script) could lose the entry, and a failure surfaced after the
// call had returned, outside it. The call now waits for the write, at most cache.readTimeoutMs; a write
// that fails or takes longer is a cache event `error` sent during the call, never a failed call.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	type CachedResponse,
	type MemoryCacheStore,
	type ModelEvent,
	ModelRouter,
} from "@weft/models";
import { SqliteCacheStore } from "@weft/models/sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-cache-write-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A SQLite store whose writes land a few event-loop turns later (a remote store's round trip), or fail. */
class SlowStore extends SqliteCacheStore {
	constructor(
		path: string,
		private readonly how: "slow" | "fail" | "hang",
	) {
		super({ path });
	}
	override async set(key: string, value: CachedResponse, ttlMs?: number) {
		if (this.how === "hang") return new Promise<void>(() => {});
		await new Promise((r) => setTimeout(r, 20));
		if (this.how === "fail") throw new Error("disk full");
		return super.set(key, value, ttlMs);
	}
}

function routerOn(
	store: MemoryCacheStore | SqliteCacheStore,
	readTimeoutMs = 60_000,
) {
	const events: ModelEvent[] = [];
	const model = new FakeModel("gpt-4o-mini", [{ content: "answer" }], {
		temperature: 0,
	});
	const router = new ModelRouter({
		models: { "gpt-4o-mini": model },
		cache: { store, readTimeoutMs },
		onEvent: (e) => events.push(e),
	});
	const cacheEvents = () =>
		events.flatMap((e) =>
			e.type === "cache" ? [[e.result, e.reason?.split(":")[0]]] : [],
		);
	return { router, model, cacheEvents };
}

async function streamed(router: ModelRouter, q: string) {
	let text = "";
	for await (const c of await router.stream(q)) text += String(c.content);
	return text;
}

describe("the router's cache write", () => {
	it("has landed when the call returns: a process that ends then keeps the entry", async () => {
		const path = join(dir, "slow.db");
		const store = new SlowStore(path, "slow");
		const { router } = routerOn(store);
		expect((await router.invoke("q")).content).toBe("answer");
		store.close();
		// another process opening the file finds it
		const reopened = new SqliteCacheStore({ path });
		const { router: again, model } = routerOn(reopened);
		expect((await again.invoke("q")).content).toBe("answer");
		expect(model.calls).toHaveLength(0);
		reopened.close();
	});

	it("has landed when a stream ends", async () => {
		const path = join(dir, "slow-stream.db");
		const store = new SlowStore(path, "slow");
		const { router } = routerOn(store);
		expect(await streamed(router, "q")).toBe("answer");
		store.close();
		const reopened = new SqliteCacheStore({ path });
		const { router: again, model } = routerOn(reopened);
		expect((await again.invoke("q")).content).toBe("answer");
		expect(model.calls).toHaveLength(0);
		reopened.close();
	});

	it("that fails is a cache event during the call, not a failed call nor an unhandled rejection", async () => {
		const unhandled: unknown[] = [];
		const onUnhandled = (e: unknown) => unhandled.push(e);
		process.on("unhandledRejection", onUnhandled);
		try {
			const { router, cacheEvents } = routerOn(
				new SlowStore(join(dir, "fail.db"), "fail"),
			);
			expect((await router.invoke("q")).content).toBe("answer");
			expect(cacheEvents()).toEqual([
				["miss", undefined],
				["error", "the answer could not be cached"],
			]);
			expect(await streamed(router, "q")).toBe("answer");
			expect(cacheEvents()).toHaveLength(4);
			// a listener that throws on the event is the listener's failure (a throw fails the call), inside it
			const throwing = new ModelRouter({
				models: {
					m: new FakeModel("m", [{ content: "ok" }], { temperature: 0 }),
				},
				cache: { store: new SlowStore(join(dir, "fail2.db"), "fail") },
				onEvent: (e) => {
					if (e.type === "cache" && e.result === "error")
						throw new Error("listener bug");
				},
			});
			await expect(throwing.invoke("q")).rejects.toThrow("listener bug");
			await new Promise((r) => setTimeout(r, 50));
			expect(unhandled).toEqual([]);
		} finally {
			process.off("unhandledRejection", onUnhandled);
		}
	});

	it("that takes longer than cache.readTimeoutMs is not waited for longer: the answer is given, an event says so", async () => {
		const { router, cacheEvents } = routerOn(
			new SlowStore(join(dir, "hang.db"), "hang"),
			5,
		);
		expect((await router.invoke("q")).content).toBe("answer");
		expect(cacheEvents()).toEqual([
			["miss", undefined],
			["error", "the answer was not cached within 5 ms (cache.readTimeoutMs)"],
		]);
	});
});
