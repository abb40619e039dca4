import {
	ModelError,
	type ModelEvent,
	ModelRouter,
	RateLimiterRegistry,
	weftMetadata,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import {
	load,
	manualClock,
	scriptedDeployment,
	settle,
} from "./deployments.ts";
import { eventLog } from "./fake-model.ts";

/** A router over two scripted deployments, with an event log that marks when each circuit is open. */
function twoDeployments(circuit: {
	failureThreshold?: number;
	coolDownMs?: number;
}) {
	const clock = manualClock();
	const a = scriptedDeployment("a");
	const b = scriptedDeployment("b");
	const log = eventLog();
	const open = new Set<string>();
	const sentWhileOpen = { a: 0, b: 0 };
	const router = new ModelRouter({
		rateLimiters: new RateLimiterRegistry(),
		retry: { maxRetries: 0 },
		clock: clock.now,
		onEvent: (e: ModelEvent) => {
			log.onEvent(e);
			if (e.type === "circuit") {
				if (e.state === "open")
					open.add(e.deployment); // half-open lets one probe go
				else open.delete(e.deployment);
			}
			if (
				e.type === "attempt" &&
				e.deployment !== undefined &&
				open.has(e.deployment)
			)
				sentWhileOpen[e.deployment as "a" | "b"] += 1;
		},
		models: {
			gpt: {
				deployments: [
					{ name: "a", model: a.model },
					{ name: "b", model: b.model },
				],
				balance: { circuit },
			},
		},
	});
	return { clock, a, b, log, router, sentWhileOpen };
}

describe("deployment health", () => {
	it("opens a failing deployment's circuit: no call reaches it under load, every call is served", async () => {
		const t = twoDeployments({ failureThreshold: 2, coolDownMs: 1000 });
		t.a.set({ fail: 500 });
		const answers = await load(30, 4, () => t.router.invoke("hi"));
		expect(answers.every((m) => m.content === "from b")).toBe(true);
		expect(t.sentWhileOpen.a).toBe(0);
		const sentBeforeOpen = t.a.sent;
		expect(sentBeforeOpen).toBeLessThanOrEqual(2 + 3); // the threshold, plus calls already in flight
		expect(t.log.of("circuit")).toEqual([
			expect.objectContaining({
				deployment: "a",
				state: "open",
				reason: "2 consecutive failures (last: server)",
				retryInMs: 1000,
			}),
		]);
		expect(t.log.of("failover").length).toBe(sentBeforeOpen);
		const skipped = t.log.of("balance").at(-1)!.skipped;
		expect(skipped).toEqual([
			{
				deployment: "a",
				reason: "circuit open (1000 ms to the half-open probe)",
			},
		]);
		expect(t.router.deploymentStatus().gpt![0]).toMatchObject({
			name: "a",
			circuit: "open",
			retryInMs: 1000,
		});
	});

	it("half-opens after the cool-down: one probe, and the deployment comes back by itself", async () => {
		const t = twoDeployments({ failureThreshold: 1, coolDownMs: 1000 });
		t.a.set({ fail: 500 });
		await load(10, 2, () => t.router.invoke("hi"));
		const sent = t.a.sent;
		t.clock.advance(999);
		await load(10, 2, () => t.router.invoke("hi"));
		expect(t.a.sent).toBe(sent); // still open one ms before the cool-down ends
		t.a.set({ ok: true });
		t.clock.advance(1);
		expect(t.router.deploymentStatus().gpt![0]!.circuit).toBe("half-open");
		const answers = await load(20, 4, () => t.router.invoke("hi"));
		expect(t.log.of("circuit").at(-1)).toMatchObject({
			deployment: "a",
			state: "closed",
			reason: "the probe call succeeded",
		});
		const fromA = answers.filter((m) => m.content === "from a").length;
		expect(fromA).toBeGreaterThanOrEqual(9); // traffic spreads again
		expect(t.sentWhileOpen.a).toBe(0);
	});

	it("lets only one probe through while half-open; a failed probe opens the circuit again", async () => {
		const t = twoDeployments({ failureThreshold: 1, coolDownMs: 500 });
		t.a.set({ fail: 500 });
		await t.router.invoke("hi");
		t.clock.advance(500);
		t.a.set({ held: true });
		const first = t.router.invoke("probe?");
		await settle();
		// round-robin decides whether this call or the next one is the probe
		const second = t.a.held === 1 ? undefined : t.router.invoke("probe");
		await settle();
		expect(t.a.held).toBe(1);
		expect(t.log.of("circuit").at(-1)).toMatchObject({
			deployment: "a",
			state: "half-open",
		});
		await load(6, 3, () => t.router.invoke("during the probe"));
		expect(t.a.held).toBe(1); // no second call while the probe is in flight
		expect(t.log.of("balance").at(-1)!.skipped[0]!.reason).toBe(
			"circuit half-open, its probe is in flight",
		);
		t.a.set({ fail: 500 });
		t.a.release();
		const probe =
			second === undefined
				? await first
				: (await Promise.all([first, second]))[1];
		expect(probe.content).toBe("from b"); // the probe failed over
		expect(t.log.of("circuit").at(-1)).toMatchObject({
			state: "open",
			reason: "the probe call failed (server)",
		});
		expect(t.sentWhileOpen.a).toBe(0);
	});

	it("a rate-limit response opens the circuit at once, for as long as Retry-After asks", async () => {
		const t = twoDeployments({ failureThreshold: 5, coolDownMs: 1000 });
		t.a.set({ fail: 429, retryAfterSeconds: 5 });
		const first = await t.router.invoke("hi");
		expect(first.content).toBe("from b");
		expect(weftMetadata(first)).toMatchObject({ attempts: 2 });
		expect(t.log.of("circuit")[0]).toMatchObject({
			state: "open",
			reason: "rate limited (Retry-After 5000 ms)",
			retryInMs: 5000,
		});
		t.a.set({ ok: true });
		t.clock.advance(1000); // the cool-down alone would have ended here
		await load(10, 3, () => t.router.invoke("hi"));
		expect(t.a.sent).toBe(1);
		t.clock.advance(4000);
		await load(10, 3, () => t.router.invoke("hi"));
		expect(t.a.sent).toBeGreaterThan(1);
		expect(t.sentWhileOpen.a).toBe(0);
	});

	it("with every circuit open, falls back to the next model without calling either deployment", async () => {
		const t = twoDeployments({ failureThreshold: 1, coolDownMs: 1000 });
		t.a.set({ fail: 500 });
		t.b.set({ fail: 500 });
		const err = await t.router.invoke("hi").catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ModelError);
		expect(
			(err as ModelError).attempts.map((f) => f.deployment ?? f.kind),
		).toEqual(["a", "b"]);
		const again = await t.router.invoke("hi").catch((e: unknown) => e);
		expect((again as ModelError).message).toMatch(
			/no deployment of "gpt" may take the call \(a: circuit open .*; b: circuit open/,
		);
		// found from outside (7 Dec): the hint said "raise maxRetries", which sends nothing to an open circuit
		expect((again as ModelError).hint).not.toContain("maxRetries");
		expect((again as ModelError).hint).toContain("coolDownMs");
		expect([t.a.sent, t.b.sent]).toEqual([1, 1]);
		expect(t.log.of("no_deployment")).toHaveLength(1);
	});

	it("respects per-deployment concurrency caps under a concurrent load", async () => {
		const a = scriptedDeployment("a");
		const b = scriptedDeployment("b");
		a.set({ held: true });
		b.set({ held: true });
		const router = new ModelRouter({
			rateLimiters: new RateLimiterRegistry(),
			models: {
				gpt: {
					deployments: [
						{ name: "a", model: a.model, rateLimits: { maxConcurrency: 2 } },
						{ name: "b", model: b.model, rateLimits: { maxConcurrency: 1 } },
					],
					balance: { strategy: "least-outstanding" },
				},
			},
		});
		const calls = Array.from({ length: 9 }, () => router.invoke("hi"));
		await settle();
		expect([a.held, b.held]).toEqual([2, 1]);
		while (a.held + b.held > 0) {
			a.release();
			b.release();
			await settle();
			await settle();
		}
		await Promise.all(calls);
		expect(a.maxInFlight).toBe(2);
		expect(b.maxInFlight).toBe(1);
		expect(a.sent + b.sent).toBe(9);
	});
});
