import { describe, expect, it } from "vitest";
import { isWeftError } from "../../errors.ts";
import type { StoreConformanceContext } from "./context.ts";
import { tick } from "./fixtures.ts";

async function code(p: Promise<unknown>): Promise<string | undefined> {
	try {
		await p;
	} catch (error) {
		return isWeftError(error)
			? error.code
			: `not a WeftError: ${String(error)}`;
	}
	return undefined;
}

/** put / get / delete, values, timestamps, TTL and bad input. */
export function itemCases(ctx: StoreConformanceContext): void {
	describe("items", () => {
		it("puts and gets JSON values with their namespace, key and times", async () => {
			const store = await ctx.open();
			const value = {
				text: "prefers green tea — 緑茶",
				n: 1.5,
				ok: true,
				none: null,
				list: [1, "two", { three: [3] }],
			};
			const before = Date.now();
			await store.put(["users", "u1", "memories"], "tea", value);
			const item = await store.get(["users", "u1", "memories"], "tea");
			expect(item?.value).toEqual(value);
			expect(item?.namespace).toEqual(["users", "u1", "memories"]);
			expect(item?.key).toBe("tea");
			expect(item?.createdAt).toBeInstanceOf(Date);
			expect(item!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
			expect(item?.updatedAt.getTime()).toBe(item?.createdAt.getTime());
			expect(item?.expiresAt).toBeUndefined();
			await store.put(["s"], "str", "a plain string");
			expect((await store.get(["s"], "str"))?.value).toBe("a plain string");
		});

		it("replaces an item, keeping createdAt and moving updatedAt", async () => {
			const store = await ctx.open();
			await store.put(["a"], "k", { v: 1 });
			const first = await store.get(["a"], "k");
			await tick();
			await store.put(["a"], "k", { v: 2 });
			const second = await store.get(["a"], "k");
			expect(second?.value).toEqual({ v: 2 });
			expect(second?.createdAt.getTime()).toBe(first?.createdAt.getTime());
			expect(second!.updatedAt.getTime()).toBeGreaterThan(
				first!.updatedAt.getTime(),
			);
		});

		it("keeps namespaces apart and deletes", async () => {
			const store = await ctx.open();
			await store.put(["users", "u1"], "k", { who: "u1" });
			await store.put(["users", "u2"], "k", { who: "u2" });
			expect((await store.get(["users", "u1"], "k"))?.value).toEqual({
				who: "u1",
			});
			expect(await store.get(["users"], "k")).toBeUndefined();
			expect(await store.get(["users", "u3"], "k")).toBeUndefined();
			expect(await store.delete(["users", "u1"], "k")).toBe(true);
			expect(await store.delete(["users", "u1"], "k")).toBe(false);
			expect(await store.get(["users", "u1"], "k")).toBeUndefined();
			expect((await store.get(["users", "u2"], "k"))?.value).toEqual({
				who: "u2",
			});
		});

		it("hides expired items from every read, and sweeps them", async () => {
			const store = await ctx.open();
			await store.put(["t"], "short", { text: "fleeting note" }, { ttlMs: 1 });
			await store.put(
				["t"],
				"long",
				{ text: "lasting note" },
				{ ttlMs: 3_600_000 },
			);
			await tick(20);
			expect(await store.get(["t"], "short")).toBeUndefined();
			const long = await store.get(["t"], "long");
			expect(long!.expiresAt!.getTime()).toBeGreaterThan(Date.now());
			expect((await store.list(["t"])).map((i) => i.key)).toEqual(["long"]);
			expect(
				(await store.search(["t"], { query: "note" })).map((i) => i.key),
			).toEqual(["long"]);
			expect(await store.listNamespaces()).toEqual([["t"]]);
			expect(await store.delete(["t"], "short")).toBe(false);
			await store.put(["t"], "gone", { text: "x" }, { ttlMs: 1 });
			await tick(20);
			expect(await store.sweep()).toBeGreaterThanOrEqual(1);
			expect(await store.sweep()).toBe(0);
			await store.put(["t"], "short", { text: "back" });
			expect((await store.get(["t"], "short"))?.expiresAt).toBeUndefined();
		});

		it("closes more than once without an error", async () => {
			// SqliteStore's second close() threw STORE_UNAVAILABLE ("is closed"); the others returned
			const store = await ctx.open();
			await store.put(["a"], "k", 1);
			await store.close();
			await store.close();
			// and is closed: every backend refuses alike (MemoryStore kept working, outside check 6 Dec)
			expect(await code(store.get(["a"], "k"))).toBe("STORE_UNAVAILABLE");
			expect(await code(store.put(["a"], "k", 2))).toBe("STORE_UNAVAILABLE");
			expect(await code(store.search(["a"], { query: "x" }))).toBe(
				"STORE_UNAVAILABLE",
			);
			expect(await code(store.list(["a"]))).toBe("STORE_UNAVAILABLE");
		});

		it("refuses bad namespaces, keys, values and options with typed errors", async () => {
			const store = await ctx.open();
			expect(await code(store.put([], "k", {}))).toBe("INVALID_NAMESPACE");
			expect(await code(store.put(["a", ""], "k", {}))).toBe(
				"INVALID_NAMESPACE",
			);
			expect(await code(store.put(["a\u001fb"], "k", {}))).toBe(
				"INVALID_NAMESPACE",
			);
			expect(await code(store.put(["users", "{userId}"], "k", {}))).toBe(
				"INVALID_NAMESPACE",
			);
			expect(await code(store.get(["a"], ""))).toBe("INVALID_NAMESPACE");
			expect(
				await code(store.put(["a"], "k", undefined as unknown as null)),
			).toBe("VALIDATION_FAILED");
			expect(await code(store.put(["a"], "k", {}, { ttlMs: -1 }))).toBe(
				"VALIDATION_FAILED",
			);
			expect(await code(store.list(["a"], { limit: -1 }))).toBe(
				"VALIDATION_FAILED",
			);
			expect(
				await code(
					store.search(["a"], { filter: { x: [1] as unknown as number } }),
				),
			).toBe("VALIDATION_FAILED");
			expect(
				await code(store.search(["a"], { query: "x", mode: "semantic" })),
			).toBe("CONFIG_INVALID");
			expect(await store.get(["a"], "k")).toBeUndefined();
		});

		it("refuses values JSON would change on the way back, naming where, and keeps what was stored", async () => {
			const store = await ctx.open();
			await store.put(["a"], "k", { ok: true });
			class Point {
				x = 1;
			}
			const cases: Array<[unknown, string]> = [
				[{ d: new Map([["a", 1]]) }, "value.d is a Map"],
				[{ when: new Date(0) }, "value.when is a Date"],
				[{ n: Number.NaN }, "value.n is NaN"],
				[{ gone: undefined }, "value.gone is undefined"],
				[{ f: () => 1 }, "value.f is a function"],
				[[1, new Point()], "value[1] is a Point"],
				[{ big: 1n }, "value.big is a bigint"],
				[{ s: "a\u0000b" }, "value.s holds a NUL character"],
			];
			for (const [value, where] of cases) {
				const error = await store.put(["a"], "k", value as never).then(
					() => undefined,
					(e: unknown) => e,
				);
				expect(error, where).toMatchObject({
					code: "VALIDATION_FAILED",
					message: expect.stringContaining(where),
					hint: expect.any(String),
				});
			}
			const cyclic: Record<string, unknown> = {};
			cyclic.self = cyclic;
			expect(await code(store.put(["a"], "k", cyclic as never))).toBe(
				"VALIDATION_FAILED",
			);
			expect((await store.get(["a"], "k"))?.value).toEqual({ ok: true });
			// plain data, null prototypes and nesting are fine
			const bare = Object.assign(Object.create(null), { x: [1, { y: null }] });
			await store.put(["a"], "k2", { bare, list: [true, "s", 1.5] });
			expect((await store.get(["a"], "k2"))?.value).toEqual({
				bare: { x: [1, { y: null }] },
				list: [true, "s", 1.5],
			});
		});
	});
}
