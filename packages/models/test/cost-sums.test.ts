// Cost figures showed float noise (0.1 + 0.2 → 0.30000000000000004 in router.usage.totals(), a call's
// cost 3.4200000000000004): costs are rounded to 1e-12 of a dollar where they are computed and summed
// (decision 0244).
import { costOf, UsageTracker } from "@weft/models";
import { describe, expect, it } from "vitest";

const call = (costUsd: number | undefined, savedUsd?: number) => ({
	model: "m",
	route: "default",
	attempts: 1,
	cache: "miss" as const,
	inputTokens: 1,
	outputTokens: 1,
	cachedInputTokens: 0,
	totalTokens: 2,
	costUsd,
	counted: false,
	...(savedUsd === undefined ? {} : { savedUsd }),
});

describe("cost figures", () => {
	it("a tracker's totals add up without float noise, overall and by model", () => {
		const usage = new UsageTracker();
		usage.record(call(0.1, 0.1));
		usage.record(call(0.2, 0.2));
		usage.record(call(undefined));
		const totals = usage.totals();
		expect(totals.costUsd).toBe(0.3);
		expect(totals.savedUsd).toBe(0.3);
		expect(totals.byModel.m?.costUsd).toBe(0.3);
		expect(totals.unpricedCalls).toBe(1);
	});

	it("a call's cost is exact-looking", () => {
		// 600k × $3 + 400k × $0.30 + 100k × $15, per million
		const usd = costOf(
			{
				inputTokens: 1_000_000,
				cachedInputTokens: 400_000,
				outputTokens: 100_000,
			},
			{ inputPerMTok: 3, cachedInputPerMTok: 0.3, outputPerMTok: 15 },
		);
		expect(usd).toBe(3.42);
		// 3 × $0.1 per million was 3.0000000000000004e-7
		expect(
			costOf(
				{ inputTokens: 3, outputTokens: 0 },
				{ inputPerMTok: 0.1, outputPerMTok: 0.4 },
			),
		).toBe(3e-7);
	});
});
