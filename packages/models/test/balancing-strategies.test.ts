import { ModelRouter, RateLimiterRegistry, weftMetadata } from "@weft/models";
import { describe, expect, it } from "vitest";
import {
	load,
	manualClock,
	scriptedDeployment,
	settle,
} from "./deployments.ts";
import { eventLog } from "./fake-model.ts";

const fresh = () => ({ rateLimiters: new RateLimiterRegistry() });

describe("balancing strategies", () => {
	it("weighted round-robin spreads a concurrent load 3:1, interleaved", async () => {
		const a = scriptedDeployment("a");
		const b = scriptedDeployment("b");
		const router = new ModelRouter({
			...fresh(),
			models: {
				gpt: {
					deployments: [
						{ name: "east", model: a.model, weight: 3 },
						{ name: "west", model: b.model, weight: 1 },
					],
				},
			},
		});
		const answers = await load(40, 4, () => router.invoke("hi"));
		expect(a.sent).toBe(30);
		expect(b.sent).toBe(10);
		expect(
			answers.slice(0, 4).map((m) => weftMetadata(m)?.balance?.deployment),
		).toEqual(["east", "east", "west", "east"]);
		expect(router.usage.totals().byDeployment).toMatchObject({
			"gpt/east": { calls: 30 },
			"gpt/west": { calls: 10 },
		});
	});

	it("least outstanding sends new calls to the deployment with fewer in flight", async () => {
		const a = scriptedDeployment("a");
		const b = scriptedDeployment("b");
		a.set({ held: true });
		b.set({ held: true });
		const log = eventLog();
		const router = new ModelRouter({
			...fresh(),
			onEvent: log.onEvent,
			models: {
				gpt: {
					deployments: [
						{ name: "a", model: a.model },
						{ name: "b", model: b.model },
					],
					balance: { strategy: "least-outstanding" },
				},
			},
		});
		const first = router.invoke("1");
		const second = router.invoke("2");
		await settle();
		expect([a.held, b.held]).toEqual([1, 1]);
		b.set({ ok: true });
		b.release();
		await second;
		const third = await router.invoke("3"); // a still has one in flight
		expect(weftMetadata(third)?.balance).toMatchObject({
			deployment: "b",
			strategy: "least-outstanding",
			reason: "least outstanding (a: 1 in flight, b: 0 in flight)",
		});
		a.release();
		await first;
		expect(router.deploymentStatus().gpt!.map((d) => d.outstanding)).toEqual([
			0, 0,
		]);
	});

	it("lowest latency measures each deployment, then prefers the fastest; a slowdown moves traffic", async () => {
		const clock = manualClock();
		const a = scriptedDeployment("a", clock);
		const b = scriptedDeployment("b", clock);
		a.set({ slowMs: 100 });
		b.set({ slowMs: 20 });
		const router = new ModelRouter({
			...fresh(),
			clock: clock.now,
			models: {
				gpt: {
					deployments: [
						{ name: "a", model: a.model },
						{ name: "b", model: b.model },
					],
					balance: { strategy: "lowest-latency", latencyWindow: 3 },
				},
			},
		});
		for (let i = 0; i < 6; i++) await router.invoke("hi");
		expect([a.sent, b.sent]).toEqual([1, 5]); // each measured once, then the fast one
		b.set({ slowMs: 400 }); // b slows down: its window's mean passes a's
		for (let i = 0; i < 6; i++) await router.invoke("hi");
		expect(a.sent).toBeGreaterThan(1);
		const status = router.deploymentStatus().gpt!;
		expect(status.map((d) => d.meanLatencyMs! > 0)).toEqual([true, true]);
		const last = await router.invoke("hi");
		expect(weftMetadata(last)?.balance?.reason).toMatch(
			/^lowest latency \(a: \d+ ms, b: \d+ ms\)$/,
		);
	});

	it("sticky per thread keeps a thread on one deployment while it is healthy", async () => {
		const a = scriptedDeployment("a");
		const b = scriptedDeployment("b");
		const router = new ModelRouter({
			...fresh(),
			retry: { maxRetries: 0 },
			models: {
				gpt: {
					deployments: [
						{ name: "a", model: a.model },
						{ name: "b", model: b.model },
					],
					balance: {
						strategy: "sticky-thread",
						circuit: { failureThreshold: 1 },
					},
				},
			},
		});
		const where = async (thread: string) =>
			weftMetadata(await router.invoke("hi", { threadId: thread }))?.balance;
		const t1 = (await where("t1"))!.deployment;
		const t2 = (await where("t2"))!.deployment;
		expect(t1).not.toBe(t2); // new threads are spread by weighted round-robin
		for (let i = 0; i < 3; i++) {
			expect((await where("t1"))?.deployment).toBe(t1);
			expect((await where("t2"))?.deployment).toBe(t2);
		}
		// the thread id also comes from LangChain's configurable.thread_id
		const viaConfig = await router.invoke("hi", {
			configurable: { thread_id: "t1" },
		});
		expect(weftMetadata(viaConfig)?.balance).toMatchObject({
			deployment: t1,
			reason: 'sticky: thread "t1" stays on a',
		});
		a.set({ fail: 500 }); // t1's deployment fails: the call fails over, the thread moves to b
		const moved = await where("t1");
		expect(moved?.deployment).toBe("b");
		expect(await where("t1")).toMatchObject({
			deployment: "b",
			reason: 'sticky: thread "t1" stays on b',
		});
	});
});
