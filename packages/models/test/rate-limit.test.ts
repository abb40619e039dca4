import {
	ModelRouter,
	RateLimiter,
	RateLimiterRegistry,
	RateLimitTimeoutError,
} from "@weft/models";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { eventLog, FakeModel } from "./fake-model.ts";

describe("rate limiting", () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it("queues requests beyond requestsPerMinute instead of failing", async () => {
		const limiter = new RateLimiter("k", { requestsPerMinute: 2 });
		const granted: number[] = [];
		for (let i = 0; i < 3; i++)
			void limiter.acquire().then((s) => granted.push(i) && s.release());
		await vi.advanceTimersByTimeAsync(0);
		expect(granted).toEqual([0, 1]);
		expect(limiter.pending).toBe(1);
		await vi.advanceTimersByTimeAsync(30_000); // one request refills every 30 s
		expect(granted).toEqual([0, 1, 2]);
	});

	it("weighs tokens per minute, and charges the real usage on release", async () => {
		const limiter = new RateLimiter("k", { tokensPerMinute: 1000 });
		const first = await limiter.acquire(600);
		first.release(900); // used more than estimated: 100 left
		let second = false;
		void limiter.acquire(400).then(() => {
			second = true;
		});
		await vi.advanceTimersByTimeAsync(17_999);
		expect(second).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		expect(second).toBe(true);
	});

	it("bounds concurrency, granting in arrival order", async () => {
		const limiter = new RateLimiter("k", { maxConcurrency: 1 });
		const a = await limiter.acquire();
		const order: string[] = [];
		const b = limiter.acquire().then((s) => {
			order.push("b");
			return s;
		});
		const c = limiter.acquire().then((s) => {
			order.push("c");
			return s;
		});
		await vi.advanceTimersByTimeAsync(0);
		expect(order).toEqual([]);
		a.release();
		(await b).release();
		(await c).release();
		expect(order).toEqual(["b", "c"]);
	});

	it("fails with RateLimitTimeoutError after maxWaitMs, and the slot goes to the next caller", async () => {
		const limiter = new RateLimiter("k", { maxConcurrency: 1 });
		const held = await limiter.acquire();
		const late = limiter
			.acquire(0, { maxWaitMs: 100 })
			.catch((e: unknown) => e);
		const patient = limiter.acquire();
		await vi.advanceTimersByTimeAsync(100);
		const err = await late;
		expect(err).toBeInstanceOf(RateLimitTimeoutError);
		expect(err).toMatchObject({ key: "k", waitedMs: 100 });
		held.release();
		await expect(patient).resolves.toMatchObject({ waitedMs: 100 });
	});

	it("removes an aborted caller from the queue", async () => {
		const limiter = new RateLimiter("k", { maxConcurrency: 1 });
		await limiter.acquire();
		const controller = new AbortController();
		const waiting = limiter
			.acquire(0, { signal: controller.signal })
			.catch((e: unknown) => e);
		controller.abort(new Error("gone"));
		expect(String(await waiting)).toContain("gone");
		expect(limiter.pending).toBe(0);
	});

	it("is shared by every router using the same key, and the wait shows in events", async () => {
		const registry = new RateLimiterRegistry();
		const limits = { requestsPerMinute: 1 };
		const log = eventLog();
		const make = (label: string) =>
			new ModelRouter({
				models: {
					m: {
						model: new FakeModel(label, [{ content: label }]),
						rateLimits: limits,
						rateLimitKey: "openai-key",
					},
				},
				rateLimiters: registry,
				onEvent: log.onEvent,
			});
		await make("one").invoke("a");
		const second = make("two").invoke("b");
		await vi.advanceTimersByTimeAsync(60_000);
		expect((await second).content).toBe("two");
		expect(log.of("rate_limit_wait")).toEqual([
			expect.objectContaining({ key: "openai-key", waitedMs: 60_000 }),
		]);
	});

	it("turns a call's maxWaitMs into a typed error through the router", async () => {
		const registry = new RateLimiterRegistry();
		const model = new FakeModel("m", [{ content: "x" }]);
		const router = new ModelRouter({
			models: { m: { model, rateLimits: { requestsPerMinute: 1 } } },
			rateLimiters: registry,
		});
		await router.invoke("a");
		const pending = router
			.invoke("b", { maxWaitMs: 1000 })
			.catch((e: unknown) => e);
		await vi.advanceTimersByTimeAsync(1000);
		expect(await pending).toBeInstanceOf(RateLimitTimeoutError);
		expect(model.calls).toHaveLength(1);
	});
});
