import { isWeftError } from "@weft/checkpoint";
import {
	MODEL_ERROR_CODES,
	ModelError,
	ModelRouter,
	weftMetadata,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import { eventLog, FakeModel } from "./fake-model.ts";

const noWait = { maxRetries: 0 };

describe("fallback chain", () => {
	it("falls back on a 500 and reports the fallback", async () => {
		const a = new FakeModel("a", [
			{ fail: { status: 500, message: "upstream broke" } },
		]);
		const b = new FakeModel("b", [{ content: "ok from b" }]);
		const log = eventLog();
		const router = new ModelRouter({
			models: { a, b },
			retry: noWait,
			onEvent: log.onEvent,
		});
		const out = await router.invoke("hi");
		expect(out.content).toBe("ok from b");
		expect(weftMetadata(out)!).toMatchObject({
			model: "b",
			attempts: 2,
		});
		expect(log.of("fallback")).toEqual([
			expect.objectContaining({
				from: "a",
				to: "b",
				error: { kind: "server", status: 500, message: "upstream broke" },
			}),
		]);
	});

	it("does not send a 400 to the next model: fails with MODEL_REQUEST_INVALID", async () => {
		const a = new FakeModel("a", [
			{ fail: { status: 400, message: "messages.0: bad role" } },
		]);
		const b = new FakeModel("b", [{ content: "should not run" }]);
		const router = new ModelRouter({ models: { a, b } });
		const err = await router.invoke("hi").catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ModelError);
		expect((err as ModelError).reason).toBe("MODEL_REQUEST_INVALID");
		expect((err as ModelError).code).toBe(
			MODEL_ERROR_CODES.MODEL_REQUEST_INVALID,
		);
		expect((err as ModelError).attempts).toEqual([
			{
				model: "a",
				attempt: 1,
				kind: "bad_request",
				status: 400,
				message: "messages.0: bad role",
			},
		]);
		expect(a.calls).toHaveLength(1);
		expect(b.calls).toHaveLength(0);
	});

	it("fails on auth errors and unknown errors by default, without trying the next model", async () => {
		for (const fail of [
			{ status: 401 },
			{ message: "TypeError in the model's own code" },
		]) {
			const a = new FakeModel("a", [{ fail }]);
			const b = new FakeModel("b", [{ content: "no" }]);
			const err = await new ModelRouter({ models: { a, b } })
				.invoke("hi")
				.catch((e: unknown) => e);
			expect(isWeftError(err)).toBe(true);
			expect(b.calls).toHaveLength(0);
			// outside check (6 Dec): a 401's hint said to raise maxRetries, which it is not subject to
			if ("status" in fail)
				expect((err as { hint: string }).hint).toContain(
					'check the credentials (API key, permissions) of model "a"',
				);
		}
	});

	it("treats network errors and 429s as transient", async () => {
		const a = new FakeModel("a", [
			{ fail: { code: "ECONNRESET", message: "socket hang up" } },
		]);
		const b = new FakeModel("b", [{ fail: { status: 429 } }]);
		const c = new FakeModel("c", [{ content: "c answers" }]);
		const out = await new ModelRouter({
			models: { a, b, c },
			retry: noWait,
		}).invoke("hi");
		expect(weftMetadata(out)!).toMatchObject({
			model: "c",
			attempts: 3,
		});
	});

	it("makes the policy configurable: lists and a decide() escape hatch", async () => {
		const a = new FakeModel("a", [{ fail: { status: 400 } }]);
		const b = new FakeModel("b", [{ content: "b" }]);
		const lists = new ModelRouter({
			models: { a, b },
			errorPolicy: { fallbackOn: ["bad_request"] },
		});
		expect((await lists.invoke("x")).content).toBe("b");

		const c = new FakeModel("c", [{ fail: { status: 503 } }]);
		const d = new FakeModel("d", [{ content: "d" }]);
		const strict = new ModelRouter({
			models: { c, d },
			errorPolicy: {
				decide: (_e, info) => (info.status === 503 ? "fail" : undefined),
			},
		});
		const err = await strict.invoke("x").catch((e: unknown) => e);
		expect((err as ModelError).reason).toBe("MODEL_UNAVAILABLE");
		expect(d.calls).toHaveLength(0);
	});

	it("when every model fails, throws MODEL_UNAVAILABLE listing every attempt", async () => {
		const a = new FakeModel("a", [{ fail: { status: 502 } }]);
		const b = new FakeModel("b", [{ fail: { status: 503 } }]);
		const err = (await new ModelRouter({ models: { a, b }, retry: noWait })
			.invoke("x")
			.catch((e: unknown) => e)) as ModelError;
		expect(err.reason).toBe("MODEL_UNAVAILABLE");
		expect(err.attempts.map((f) => [f.model, f.status])).toEqual([
			["a", 502],
			["b", 503],
		]);
		expect(err.message).toContain("tried a, b");
		expect(err.cause).toBeInstanceOf(Error);
	});
});
