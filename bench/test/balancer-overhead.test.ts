// The balancer bench at a tiny size: checks that it runs and spreads calls (no timings asserted).
import { describe, expect, it } from "vitest";
import { balancerOverhead } from "../src/models/balancer-overhead.ts";

describe("balancer overhead bench (smoke size)", () => {
	it("times both routers and reports the difference", async () => {
		const r = await balancerOverhead(20, 1);
		expect(r.calls_per_round).toBe(20);
		expect(typeof r.overhead_us_per_call).toBe("number");
	});
});
