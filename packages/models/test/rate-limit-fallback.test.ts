// Outside check (7 Dec): a call that waited its maxWaitMs for a model's rate-limit slot failed with
// RateLimitTimeoutError although its chain named a fallback model, which a 429 or a prompt too long
// (decision 0251) would have reached (decision 0255).
import {
	ModelRouter,
	RateLimiterRegistry,
	RateLimitTimeoutError,
	weftMetadata,
} from "@weft/models";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { scriptedDeployment } from "./deployments.ts";
import { eventLog, FakeModel } from "./fake-model.ts";

const oneAtATime = { maxConcurrency: 1 };

function chain(
	options: {
		first?: FakeModel;
		second?: FakeModel;
		limits?: Record<string, number>;
		fallbackOn?: ("rate_limit" | "server")[];
	} = {},
) {
	const registry = new RateLimiterRegistry();
	const log = eventLog();
	const first = options.first ?? new FakeModel("first", [{ content: "a" }]);
	const second = options.second ?? new FakeModel("second", [{ content: "b" }]);
	const router = new ModelRouter({
		models: {
			first: { model: first, rateLimits: options.limits ?? oneAtATime },
			second: { model: second, rateLimits: oneAtATime },
		},
		defaultChain: ["first", "second"],
		rateLimiters: registry,
		retry: { maxRetries: 0 },
		onEvent: log.onEvent,
		...(options.fallbackOn === undefined
			? {}
			: { errorPolicy: { fallbackOn: options.fallbackOn } }),
	});
	const hold = (name: string) => registry.get(name, {}).acquire();
	return { router, log, first, second, hold };
}

describe("a rate-limit wait that times out", () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it("moves on to the next model of the chain (the call's maxWaitMs)", async () => {
		const { router, log, first, hold } = chain();
		const held = await hold("first");
		const pending = router.invoke("q", { maxWaitMs: 100 });
		await vi.advanceTimersByTimeAsync(100);
		const answer = await pending;
		expect(answer.content).toBe("b");
		expect(first.calls).toHaveLength(0);
		expect(weftMetadata(answer)).toMatchObject({
			model: "second",
			fallback: true,
		});
		expect(log.of("fallback")).toEqual([
			expect.objectContaining({
				from: "first",
				to: "second",
				error: expect.objectContaining({ kind: "rate_limit" }),
			}),
		]);
		held.release();
	});

	it("moves on with the model's own rateLimits.maxWaitMs, streaming too", async () => {
		const { router, hold } = chain({
			limits: { maxConcurrency: 1, maxWaitMs: 50 },
		});
		const held = await hold("first");
		const pending = (async () => {
			let text = "";
			for await (const chunk of await router.stream("q")) text += chunk.content;
			return text;
		})();
		await vi.advanceTimersByTimeAsync(50);
		expect(await pending).toBe("b");
		held.release();
	});

	it("is still RateLimitTimeoutError when no model is left, listing what the chain tried", async () => {
		const { router, hold, second } = chain({
			first: new FakeModel("first", [{ fail: { status: 503 } }]),
		});
		const held = await hold("second");
		const pending = router
			.invoke("q", { maxWaitMs: 100 })
			.catch((e: unknown) => e);
		await vi.advanceTimersByTimeAsync(100);
		const error = await pending;
		expect(error).toBeInstanceOf(RateLimitTimeoutError);
		expect(error).toMatchObject({
			code: "RATE_LIMIT_TIMEOUT",
			key: "second",
			attempts: [
				expect.objectContaining({ model: "first", status: 503 }),
				expect.objectContaining({ model: "second", kind: "rate_limit" }),
			],
		});
		expect(second.calls).toHaveLength(0);
		held.release();
	});

	it("fails as before when errorPolicy.fallbackOn leaves rate_limit out", async () => {
		const { router, hold, second } = chain({ fallbackOn: ["server"] });
		const held = await hold("first");
		const pending = router
			.invoke("q", { maxWaitMs: 100 })
			.catch((e: unknown) => e);
		await vi.advanceTimersByTimeAsync(100);
		expect(await pending).toBeInstanceOf(RateLimitTimeoutError);
		expect(second.calls).toHaveLength(0);
		held.release();
	});

	it("gives the slot back: a later call on the first model is served", async () => {
		const { router, hold } = chain();
		const held = await hold("first");
		const pending = router.invoke("q", { maxWaitMs: 100 });
		await vi.advanceTimersByTimeAsync(100);
		await pending;
		held.release();
		expect((await router.invoke("again")).content).toBe("a");
	});

	it("on a balanced model, tries its other deployment, then the chain's next model", async () => {
		const registry = new RateLimiterRegistry();
		const log = eventLog();
		const a = scriptedDeployment("a");
		const b = scriptedDeployment("b");
		const router = new ModelRouter({
			models: {
				gpt: {
					deployments: [
						{ name: "a", model: a.model, rateLimits: oneAtATime },
						{ name: "b", model: b.model, rateLimits: oneAtATime },
					],
				},
				backup: new FakeModel("backup", [{ content: "from backup" }]),
			},
			defaultChain: ["gpt", "backup"],
			rateLimiters: registry,
			retry: { maxRetries: 0 },
			onEvent: log.onEvent,
		});
		const held = [
			await registry.get("gpt/a", {}).acquire(),
			await registry.get("gpt/b", {}).acquire(),
		];
		const pending = router.invoke("q", { maxWaitMs: 100 });
		await vi.advanceTimersByTimeAsync(200);
		expect((await pending).content).toBe("from backup");
		expect(a.model.calls.length + b.model.calls.length).toBe(0);
		expect(log.of("failover")).toHaveLength(1);
		expect(log.of("fallback")).toEqual([
			expect.objectContaining({ from: "gpt", to: "backup" }),
		]);
		for (const slot of held) slot.release();
	});
});
