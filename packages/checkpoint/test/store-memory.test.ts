import { fillNamespace, isWeftError, MemoryStore } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";

describe("fillNamespace", () => {
	it("fills placeholders from the context and refuses missing or empty values", () => {
		expect(fillNamespace(["users", "{userId}", "m"], { userId: "u1" })).toEqual(
			["users", "u1", "m"],
		);
		expect(fillNamespace(["org-{org}", "{n}"], { org: "acme", n: 7 })).toEqual([
			"org-acme",
			"7",
		]);
		for (const context of [
			{},
			{ userId: "" },
			{ userId: { id: 1 } },
			{ userId: Number.NaN },
		]) {
			let error: unknown;
			try {
				fillNamespace(["users", "{userId}"], context);
			} catch (e) {
				error = e;
			}
			expect(isWeftError(error, "INVALID_NAMESPACE")).toBe(true);
		}
	});

	it("refuses a missing context, or a namespace that is no array of strings, with INVALID_NAMESPACE (not a TypeError)", () => {
		const calls: [unknown, unknown][] = [
			[["users", "{userId}"], undefined],
			[["users", "{userId}"], null],
			[["users", "{userId}"], "u1"],
			["users", { userId: "u1" }],
			[undefined, { userId: "u1" }],
			[["users", 5], { userId: "u1" }],
		];
		for (const [namespace, context] of calls) {
			let error: unknown;
			try {
				fillNamespace(namespace as never, context as never);
			} catch (e) {
				error = e;
			}
			expect(
				isWeftError(error, "INVALID_NAMESPACE"),
				`${JSON.stringify(namespace)} ${String(context)}`,
			).toBe(true);
			expect((error as { hint?: unknown }).hint).toEqual(expect.any(String));
		}
		expect(
			(() => {
				try {
					fillNamespace(["users", "{userId}"], undefined as never);
				} catch (e) {
					return (e as Error).message;
				}
				return "no error";
			})(),
		).toContain('needs "userId" from the run context');
		// no placeholder needs no context
		expect(fillNamespace(["shared"], undefined as never)).toEqual(["shared"]);
	});
});

describe("embeddings failures", () => {
	it("fail put and search with EMBEDDING_FAILED, writing nothing", async () => {
		const broken = {
			embedDocuments: async () => {
				throw new Error("quota exceeded");
			},
			embedQuery: async () => {
				throw new Error("quota exceeded");
			},
		};
		const store = new MemoryStore({ index: { embeddings: broken } });
		const put = await store
			.put(["a"], "k", { text: "hello" })
			.catch((e: unknown) => e);
		expect(isWeftError(put, "EMBEDDING_FAILED")).toBe(true);
		expect((put as Error).message).toContain("quota exceeded");
		expect(await store.get(["a"], "k")).toBeUndefined();
		await store.put(["a"], "quiet", { text: "x" }, { index: false });
		const search = await store
			.search(["a"], { query: "hello" })
			.catch((e: unknown) => e);
		expect(isWeftError(search, "EMBEDDING_FAILED")).toBe(true);
		expect(
			(await store.search(["a"], { query: "x", mode: "text" })).length,
		).toBe(0);
	});

	it("refuse a vector that is no list of finite numbers with EMBEDDING_FAILED, writing nothing", async () => {
		for (const vector of [[], [1, Number.NaN], ["1", 2], "1,2", undefined]) {
			const odd = {
				embedDocuments: async () => [vector as number[]],
				embedQuery: async () => vector as number[],
			};
			const store = new MemoryStore({ index: { embeddings: odd } });
			const put = await store
				.put(["a"], "k", { text: "hello" })
				.catch((e: unknown) => e);
			expect(isWeftError(put, "EMBEDDING_FAILED"), JSON.stringify(vector)).toBe(
				true,
			);
			expect(await store.get(["a"], "k")).toBeUndefined();
			const search = await store
				.search(["a"], { query: "hello" })
				.catch((e: unknown) => e);
			expect(
				isWeftError(search, "EMBEDDING_FAILED"),
				JSON.stringify(vector),
			).toBe(true);
		}
	});
});
