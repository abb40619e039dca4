import { isWeftError, WeftError } from "@weft/checkpoint";
import {
	GuardrailError,
	MODEL_ERROR_CODES,
	ModelError,
	NoRouteError,
	RateLimitTimeoutError,
} from "@weft/models";
import { describe, expect, it } from "vitest";

describe("errors", () => {
	it("are all WeftErrors with a code, a reason naming the code they will get, and JSON", () => {
		const errors = [
			new ModelError("MODEL_REQUEST_INVALID", "bad"),
			new ModelError("MODEL_UNAVAILABLE", "down"),
			new ModelError("MODEL_TIMEOUT", "slow"),
			new RateLimitTimeoutError("key", 10),
			new GuardrailError("pii", "input", [
				{ kind: "email", excerpt: "a***@***.com" },
			]),
			new NoRouteError("none"),
		];
		for (const e of errors) {
			expect(e).toBeInstanceOf(WeftError);
			expect(isWeftError(e)).toBe(true);
			expect(e.code).toBe(MODEL_ERROR_CODES[e.reason]);
			expect(e.toJSON()).toMatchObject({
				name: e.constructor.name,
				code: e.code,
			});
		}
		expect(errors[4]!.message).toBe('guard "pii" blocked the input: email');
		expect(errors[3]!.hint).toMatch(/maxWaitMs/);
	});

	it("wraps whatever a hook or a guard throws, keeping it as the cause", async () => {
		const { ModelRouter } = await import("@weft/models");
		const { FakeModel } = await import("./fake-model.ts");
		const boom = new TypeError("hook bug");
		const router = new ModelRouter({
			models: { m: new FakeModel("m", [{ content: "x" }]) },
			preModelHook: () => {
				throw boom;
			},
		});
		const err = await router.invoke("hi").catch((e: unknown) => e);
		expect(isWeftError(err, "NODE_FAILED")).toBe(true);
		expect((err as Error).cause).toBe(boom);
	});

	it("a preModelHook that returns something other than a list of messages is CONFIG_INVALID naming it", async () => {
		// it was NODE_FAILED "messages.some is not a function", no hint
		const { ModelRouter } = await import("@weft/models");
		const { FakeModel } = await import("./fake-model.ts");
		for (const bad of [
			"x",
			undefined,
			[null],
			[{ role: "user", content: "hi" }],
		]) {
			const model = new FakeModel("m", [{ content: "x" }]);
			const router = new ModelRouter({
				models: { model },
				preModelHook: () => bad as never,
			});
			const err = await router.invoke("hi").catch((e: unknown) => e);
			expect(isWeftError(err, "CONFIG_INVALID"), String(err)).toBe(true);
			expect((err as Error).message).toContain("preModelHook");
			expect((err as { hint?: string }).hint).toEqual(expect.any(String));
			expect(model.calls).toHaveLength(0);
		}
	});
});
