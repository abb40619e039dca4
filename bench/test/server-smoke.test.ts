import { describe, expect, it } from "vitest";
import { load, waitLatency } from "../src/server/load.ts";
import { s1Level } from "../src/server/s1.ts";
import { weftDev } from "../src/server/targets.ts";

describe("the server workload's clients against weft dev", () => {
	it("streams W3 runs with every step's update once, waits for one, and runs S1's iterations", async () => {
		const target = await weftDev();
		try {
			const result = await load(target.url, 2, 0, 2, 2);
			expect(result.runs).toBe(4);
			expect(result.failed_runs).toBe(0);
			expect(result.events_lost).toBe(0);
			expect(result.events_duplicated).toBe(0);
			for (const t of result.traces) expect(t.attempts).toBe(1);
			expect(await waitLatency(target.url, 1, 2)).toHaveLength(1);
			expect(Object.keys(target.cpu)).toEqual(["api"]);
			// S1: each iteration pauses at the question and ends approved after the resume (checked inside)
			const s1 = await s1Level(target.url, 2, 3, 1);
			expect(s1.first_error).toBeUndefined();
			expect(s1).toMatchObject({ clients: 2, iterations: 3, errors: 0 });
			expect(s1.ask_ms.p50).toBeGreaterThan(0);
		} finally {
			await target.stop();
		}
	}, 60_000);
});
