import { isWeftError } from "@weft/checkpoint";
import { ModelRouter, RateLimiterRegistry } from "@weft/models";
import { describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model.ts";

const m = () => new FakeModel("m", [{ content: "ok" }]);

function thrown(fn: () => unknown): unknown {
	try {
		fn();
	} catch (e) {
		return e;
	}
	return undefined;
}

// One registry is shared by every router of the process by default: a key must mean one set of limits.
describe("a rate-limit key shared by several users", () => {
	it("refuses a second router asking other limits for the same key, naming it", () => {
		const limiters = new RateLimiterRegistry();
		new ModelRouter({
			models: { "m-x": { model: m(), rateLimits: { maxConcurrency: 1 } } },
			rateLimiters: limiters,
		});
		const error = thrown(
			() =>
				new ModelRouter({
					models: {
						"m-x": {
							model: m(),
							rateLimits: { maxConcurrency: 5, maxWaitMs: 10 },
						},
					},
					rateLimiters: limiters,
				}),
		);
		expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
		expect((error as Error).message).toContain('"m-x"');
		expect((error as { hint?: string }).hint).toContain("rateLimitKey");
	});

	it("refuses a router whose limits differ from a limiter made before it", () => {
		const limiters = new RateLimiterRegistry();
		limiters.get("m-y", {});
		const error = thrown(
			() =>
				new ModelRouter({
					models: { "m-y": { model: m(), rateLimits: { maxConcurrency: 1 } } },
					rateLimiters: limiters,
				}),
		);
		expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
	});

	it("lets users agree, or look the limiter up without restating every limit", () => {
		const limiters = new RateLimiterRegistry();
		const limits = { maxConcurrency: 2, requestsPerMinute: 60 };
		for (let i = 0; i < 2; i++)
			new ModelRouter({
				models: { "m-z": { model: m(), rateLimits: limits } },
				rateLimiters: limiters,
			});
		expect(limiters.get("m-z", { maxConcurrency: 2 }).limits).toEqual(limits);
		expect(limiters.get("m-z", {}).limits).toEqual(limits);
	});
});
