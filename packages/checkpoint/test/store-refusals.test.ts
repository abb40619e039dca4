// Refusals of the stores that must say what happened. Outside check (6 Dec): a metadata filter holding a function, undefined, NaN, a Symbol or a Map matched
// nothing and said nothing (JSON.stringify dropped or rewrote the value); only a BigInt was refused.
import { isWeftError, MemoryCheckpointer } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";

describe("a list's metadata filter", () => {
	it("refuses values JSON cannot say, naming where, with CONFIG_INVALID", async () => {
		const cp = new MemoryCheckpointer();
		const cycle: Record<string, unknown> = {};
		cycle.self = cycle;
		const cases: [unknown, string][] = [
			[() => 1, "filter.who is a function"],
			[undefined, "filter.who is undefined"],
			[Number.NaN, "filter.who is NaN"],
			[Symbol("s"), "filter.who is a symbol"],
			[new Map(), "filter.who is a Map"],
			[new Date(0), "filter.who is a Date"],
			[1n, "filter.who is a BigInt"],
			[[1, { deep: Infinity }], "filter.who[1].deep is Infinity"],
			[cycle, "filter.who.self refers back to itself"],
		];
		for (const [value, problem] of cases) {
			let error: unknown;
			try {
				for await (const _ of cp.list(
					{ threadId: "t" },
					{ filter: { who: value } as never },
				));
			} catch (e) {
				error = e;
			}
			expect(isWeftError(error, "CONFIG_INVALID"), problem).toBe(true);
			expect((error as Error).message).toContain(problem);
		}
		// JSON values pass (and match nothing on an empty thread)
		const found = [];
		for await (const s of cp.list(
			{ threadId: "t" },
			{ filter: { who: [1, "a", null, { ok: true }] } },
		))
			found.push(s);
		expect(found).toEqual([]);
	});
});

describe("LEASE_LOST", () => {
	// outside check (6 Dec): a run whose thread another process deleted was told another runner took over
	it("says the thread may have been deleted when no runner holds the lease", async () => {
		const { leaseLost } = await import("../src/store-errors.ts");
		expect(leaseLost("t", 3, null).hint).toContain("thread deleted");
		expect(leaseLost("t", 3, 4).hint).toContain("another runner took");
	});
});
