// Unit test of an internal: the ISO time a checkpoint records is written as toISOString writes it.
import { describe, expect, it } from "vitest";
import { isoNow } from "./step-records.ts";

describe("isoNow", () => {
	it("writes each millisecond as toISOString does, across seconds, days and years", () => {
		const starts = [
			0,
			-1,
			-1_000,
			-86_400_001,
			Date.UTC(2026, 11, 3, 7, 59, 59, 990),
			Date.UTC(1999, 11, 31, 23, 59, 59, 995),
			Date.UTC(2024, 1, 29, 12, 0, 0, 0),
			Date.UTC(9999, 11, 31, 23, 59, 59, 998),
			Date.UTC(-1, 0, 1),
			Date.now(),
		];
		for (const start of starts)
			for (let ms = start; ms < start + 25; ms++)
				expect(isoNow(ms)).toBe(new Date(ms).toISOString());
		// back in time, and the same millisecond twice
		for (const ms of [starts[4]!, starts[4]! - 1_500, starts[4]! - 1_500])
			expect(isoNow(ms)).toBe(new Date(ms).toISOString());
		expect(isoNow()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
	});
});
