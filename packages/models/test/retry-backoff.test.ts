import {
	backoffDelay,
	ModelRouter,
	readRetryAfterMs,
	weftMetadata,
} from "@weft/models";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { eventLog, FakeModel } from "./fake-model.ts";

describe("retries with backoff", () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it("honours Retry-After on a 429 before retrying the same model", async () => {
		const a = new FakeModel("a", [
			{ fail: { status: 429, headers: { "retry-after": "3" } } },
			{ content: "after the wait" },
		]);
		const log = eventLog();
		const router = new ModelRouter({
			models: { a },
			retry: { initialDelayMs: 100 },
			random: () => 0.5,
			onEvent: log.onEvent,
		});
		const pending = router.invoke("hi");
		await vi.advanceTimersByTimeAsync(2999);
		expect(a.calls).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		const out = await pending;
		expect(out.content).toBe("after the wait");
		expect(weftMetadata(out)!.attempts).toBe(2);
		expect(log.of("retry")).toEqual([
			expect.objectContaining({
				model: "a",
				delayMs: 3000,
				retryAfterMs: 3000,
			}),
		]);
	});

	it("backs off exponentially with jitter on 500s, then falls back", async () => {
		const a = new FakeModel("a", [{ fail: { status: 500 } }]);
		const b = new FakeModel("b", [{ content: "b" }]);
		const log = eventLog();
		const router = new ModelRouter({
			models: { a, b },
			retry: { maxRetries: 3, initialDelayMs: 100, factor: 2, jitter: "full" },
			random: () => 0.5,
			onEvent: log.onEvent,
		});
		const pending = router.invoke("hi");
		await vi.runAllTimersAsync();
		const out = await pending;
		expect(weftMetadata(out)!).toMatchObject({
			model: "b",
			attempts: 5,
		});
		expect(log.of("retry").map((e) => e.delayMs)).toEqual([50, 100, 200]);
		expect(a.calls).toHaveLength(4);
	});

	it("does not wait out a Retry-After longer than maxRetryAfterMs: falls back at once", async () => {
		const a = new FakeModel("a", [
			{ fail: { status: 429, headers: { "retry-after": "600" } } },
		]);
		const b = new FakeModel("b", [{ content: "b" }]);
		const router = new ModelRouter({
			models: { a, b },
			retry: { maxRetryAfterMs: 10_000 },
		});
		const out = await router.invoke("hi");
		expect(weftMetadata(out)!.model).toBe("b");
		expect(a.calls).toHaveLength(1);
	});

	// found from outside (6 Dec): the hint said "raise maxRetries", which changes nothing here
	it("a Retry-After longer than maxRetryAfterMs with no fallback: the hint names it and the wait asked", async () => {
		const a = new FakeModel("a", [
			{ fail: { status: 429, headers: { "retry-after": "600" } } },
		]);
		const router = new ModelRouter({ models: { a } });
		await expect(router.invoke("hi")).rejects.toMatchObject({
			code: "MODEL_UNAVAILABLE",
			hint: expect.stringMatching(
				/tried again in 600 s \(Retry-After\): raise retry\.maxRetryAfterMs/,
			),
		});
		expect(a.calls).toHaveLength(1);
	});

	// found from outside (7 Dec): a Retry-After the router would have waited for, with the retries spent,
	// got the hint to raise maxRetryAfterMs, which changes nothing here
	it("a Retry-After within maxRetryAfterMs, retries spent: the hint says to raise maxRetries, not maxRetryAfterMs", async () => {
		const a = new FakeModel("a", [
			{ fail: { status: 429, headers: { "retry-after": "2" } } },
		]);
		const router = new ModelRouter({
			models: { a },
			retry: { maxRetries: 0 },
		});
		const error = await router.invoke("hi").catch((e) => e);
		expect(error).toMatchObject({ code: "MODEL_UNAVAILABLE" });
		expect(error.hint).toContain("maxRetries");
		expect(error.hint).not.toContain("maxRetryAfterMs");
		expect(a.calls).toHaveLength(1);
	});

	it("per-model retry settings override the router's", async () => {
		const a = new FakeModel("a", [{ fail: { status: 503 } }]);
		const b = new FakeModel("b", [{ content: "b" }]);
		const router = new ModelRouter({
			models: { a: { model: a, retry: { maxRetries: 0 } }, b },
			retry: { maxRetries: 5 },
		});
		await router.invoke("hi");
		expect(a.calls).toHaveLength(1);
	});
});

describe("backoff and Retry-After parsing", () => {
	it("computes capped delays for each jitter mode", () => {
		const o = { initialDelayMs: 1000, factor: 3, maxDelayMs: 5000 };
		expect(
			[1, 2, 3].map((n) => backoffDelay(n, { ...o, jitter: "none" })),
		).toEqual([1000, 3000, 5000]);
		expect(backoffDelay(2, { ...o, jitter: "equal" }, undefined, () => 0)).toBe(
			1500,
		);
		expect(backoffDelay(2, { ...o, jitter: "full" }, undefined, () => 1)).toBe(
			3000,
		);
		expect(backoffDelay(1, { ...o, jitter: "none" }, 2500)).toBe(2500);
	});

	it("reads retry-after-ms, seconds, HTTP dates and Headers objects; ignores garbage", () => {
		expect(readRetryAfterMs({ headers: { "retry-after-ms": "250" } })).toBe(
			250,
		);
		expect(
			readRetryAfterMs({ headers: new Headers({ "Retry-After": "2" }) }),
		).toBe(2000);
		expect(
			readRetryAfterMs(
				{
					response: {
						headers: { "retry-after": "Wed, 21 Oct 2015 07:28:10 GMT" },
					},
				},
				Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"),
			),
		).toBe(10_000);
		expect(
			readRetryAfterMs({ headers: { "retry-after": "soon" } }),
		).toBeUndefined();
		expect(readRetryAfterMs(new Error("no headers"))).toBeUndefined();
		expect(readRetryAfterMs("a string")).toBeUndefined();
	});
});
