import { describe, expect, it } from "vitest";
import type { StoreConformanceContext } from "./context.ts";
import { tick } from "./fixtures.ts";

/** list by prefix, paging, listNamespaces. */
export function listCases(ctx: StoreConformanceContext): void {
	describe("listing", () => {
		it("lists a namespace prefix (label by label), newest update first, with paging", async () => {
			const store = await ctx.open();
			await store.put(["users", "u1", "memories"], "a", { n: 1 });
			await tick();
			await store.put(["users", "u1", "prefs"], "b", { n: 2 });
			await tick();
			await store.put(["users", "u10", "memories"], "c", { n: 3 });
			await tick();
			await store.put(["users", "u1"], "d", { n: 4 });
			const keys = async (p: string[], o = {}) =>
				(await store.list(p, o)).map((i) => i.key);
			expect(await keys(["users", "u1"])).toEqual(["d", "b", "a"]);
			expect(await keys(["users", "u1", "memories"])).toEqual(["a"]);
			expect(await keys(["users"])).toEqual(["d", "c", "b", "a"]);
			expect(await keys([])).toEqual(["d", "c", "b", "a"]);
			expect(await keys(["users", "u"])).toEqual([]);
			expect(await keys(["users"], { limit: 2 })).toEqual(["d", "c"]);
			expect(await keys(["users"], { limit: 2, offset: 2 })).toEqual([
				"b",
				"a",
			]);
			await tick();
			await store.put(["users", "u1", "memories"], "a", { n: 5 });
			expect(await keys(["users", "u1"])).toEqual(["a", "d", "b"]);
		});

		it("lists namespaces under a prefix, cut to a depth", async () => {
			const store = await ctx.open();
			await store.put(["users", "u1", "memories"], "a", 1);
			await store.put(["users", "u1", "prefs"], "b", 2);
			await store.put(["users", "u2", "memories"], "c", 3);
			await store.put(["docs"], "d", 4);
			expect(await store.listNamespaces()).toEqual([
				["docs"],
				["users", "u1", "memories"],
				["users", "u1", "prefs"],
				["users", "u2", "memories"],
			]);
			expect(await store.listNamespaces({ prefix: ["users", "u1"] })).toEqual([
				["users", "u1", "memories"],
				["users", "u1", "prefs"],
			]);
			expect(await store.listNamespaces({ maxDepth: 2 })).toEqual([
				["docs"],
				["users", "u1"],
				["users", "u2"],
			]);
			expect(await store.listNamespaces({ limit: 1, offset: 1 })).toEqual([
				["users", "u1", "memories"],
			]);
		});
	});
}
