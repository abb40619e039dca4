// The Store contract read from outside: bad inputs get typed errors with a hint and store nothing, and
// search filters and paging agree with the memory store.
import { isWeftError, MemoryStore, type Store } from "@weft/checkpoint";
import { PostgresStore } from "@weft/checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSchema, postgresAvailable } from "./postgres.ts";
import { storeDatabase } from "./store-postgres.ts";

const available = await postgresAvailable();

describe.skipIf(!available)("Store from outside", () => {
	let pgStore: PostgresStore;
	const stores: Array<[string, () => Store]> = [
		["memory", () => new MemoryStore()],
		["postgres", () => pgStore],
	];
	beforeAll(async () => {
		pgStore = await PostgresStore.connect({
			connectionString: await storeDatabase(),
			schema: freshSchema(),
		});
	});
	afterAll(() => pgStore?.close());

	const bad: Array<[string, (s: Store) => Promise<unknown>]> = [
		["empty namespace", (s) => s.put([], "k", { a: 1 })],
		["empty label", (s) => s.put(["a", ""], "k", { a: 1 })],
		["numeric key", (s) => s.put(["a"], 1 as never, { a: 1 })],
		["empty key", (s) => s.put(["a"], "", { a: 1 })],
		["ttl 0", (s) => s.put(["a"], "k", { a: 1 }, { ttlMs: 0 })],
		["ttl -5", (s) => s.put(["a"], "k", { a: 1 }, { ttlMs: -5 })],
		["ttl NaN", (s) => s.put(["a"], "k", { a: 1 }, { ttlMs: Number.NaN })],
		["function", (s) => s.put(["a"], "k", (() => 1) as never)],
		["nested function", (s) => s.put(["a"], "k", { f: () => 1 } as never)],
		["bigint", (s) => s.put(["a"], "k", { n: 1n } as never)],
		["top bigint", (s) => s.put(["a"], "k", 1n as never)],
		["undefined value", (s) => s.put(["a"], "k", undefined as never)],
		["null ns", (s) => s.put(null as never, "k", { a: 1 })],
		["get numeric key", (s) => s.get(["a"], 7 as never)],
		["delete empty ns", (s) => s.delete([], "k")],
		["search bad limit", (s) => s.search(["a"], { limit: -1 })],
		["search NaN offset", (s) => s.search(["a"], { offset: Number.NaN })],
		["list string prefix", (s) => s.list("a" as never)],
	];
	for (const [backend, open] of stores)
		it.each(bad)(
			`${backend}: %s is a typed error with a hint`,
			async (_n, call) => {
				const s = open();
				await s.put(["a"], "k", { kept: true });
				const e = await call(s).then(
					() => "no error",
					(error: unknown) => error,
				);
				expect(isWeftError(e), String(e)).toBe(true);
				expect((e as { hint?: string }).hint).toBeTruthy();
				expect((await s.get(["a"], "k"))?.value).toEqual({ kept: true });
				expect((await s.list([])).length).toBe(1);
				await s.delete(["a"], "k");
			},
		);

	it("search filters and pages alike on memory and Postgres", async () => {
		const results: unknown[] = [];
		for (const [, open] of stores) {
			const s = open();
			for (let i = 0; i < 23; i++)
				await s.put(["p", i % 2 ? "odd" : "even"], `k${i}`, {
					text: `note ${i} about tea`,
					n: i,
					kind: i % 3 ? "fact" : "pref",
					tag: i % 4 ? null : "x",
				});
			const one = async (opts: Parameters<Store["search"]>[1]) => {
				const full = await s.search(["p"], { ...opts, limit: 100 });
				const pages: string[] = [];
				for (let o = 0; o < 30; o += 4)
					pages.push(
						...(await s.search(["p"], { ...opts, limit: 4, offset: o })).map(
							(h) => h.key,
						),
					);
				expect(pages).toEqual(full.map((h) => h.key));
				return full.map((h) => h.key).sort();
			};
			results.push([
				await one({ filter: { kind: "fact" } }),
				await one({
					filter: { n: { $gte: 5, $lt: 15 }, kind: { $ne: "pref" } },
				}),
				await one({ filter: { tag: null } }),
				await one({ filter: { tag: { $ne: null } } }),
				await one({ query: "tea", filter: { kind: "pref" } }),
				await one({ query: "note 7" }),
			]);
			for (let i = 0; i < 23; i++)
				await s.delete(["p", i % 2 ? "odd" : "even"], `k${i}`);
		}
		expect(results[1]).toEqual(results[0]);
	});
});
