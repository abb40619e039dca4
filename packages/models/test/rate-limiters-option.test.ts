// `rateLimiters` of a shape that is no registry (decision 0244): it passed construction and failed the
// first call with a raw TypeError, or was ignored. CONFIG_INVALID at construction, with a hint.
import { isWeftError } from "@weft/checkpoint";
import { ModelRouter, RateLimiterRegistry } from "@weft/models";
import { describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model.ts";

const m = () => new FakeModel("m", [{ content: "ok" }, { content: "ok" }]);

function made(rateLimiters: unknown): unknown {
	try {
		return new ModelRouter({
			models: { m: { model: m(), rateLimits: { requestsPerMinute: 60 } } },
			rateLimiters,
		} as never);
	} catch (e) {
		return e;
	}
}

describe("ModelRouter's rateLimiters option", () => {
	it("refuses what is no RateLimiterRegistry, naming the option, with a hint", () => {
		for (const bad of [
			{},
			{ get: 1 },
			[],
			null,
			"shared",
			42,
			new Map(),
			{ requestsPerMinute: 60 },
		]) {
			const error = made(bad);
			expect(isWeftError(error, "CONFIG_INVALID"), String(error)).toBe(true);
			expect(error).toMatchObject({
				message: expect.stringContaining(
					"rateLimiters must be a RateLimiterRegistry",
				),
				hint: expect.stringContaining("new RateLimiterRegistry()"),
			});
		}
	});

	it("takes a registry (or none) and calls through it", async () => {
		const registry = new RateLimiterRegistry();
		const router = made(registry) as ModelRouter;
		expect(router).toBeInstanceOf(ModelRouter);
		expect((await router.invoke("hi")).content).toBe("ok");
		expect(made(undefined)).toBeInstanceOf(ModelRouter);
	});
});
