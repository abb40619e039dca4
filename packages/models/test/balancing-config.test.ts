import { isWeftError } from "@weft/checkpoint";
import { ScriptedChatModel } from "@weft/graph/llm";
import {
	type ModelEvent,
	ModelRouter,
	RateLimiterRegistry,
	weftMetadata,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import { scriptedDeployment } from "./deployments.ts";
import { eventLog, usageOf } from "./fake-model.ts";

describe("balanced entries: configuration, streaming, what is reported", () => {
	it("rejects an empty deployment list, duplicate names, bad weights and entry-level rate limits", () => {
		const a = scriptedDeployment("a").model;
		const bad = [
			{ deployments: [] },
			{
				deployments: [
					{ name: "x", model: a },
					{ name: "x", model: a },
				],
			},
			{ deployments: [{ name: "x", model: a, weight: 0 }] },
			{
				deployments: [{ name: "x", model: a }],
				rateLimits: { maxConcurrency: 1 },
			},
		];
		for (const entry of bad) {
			const error = (() => {
				try {
					new ModelRouter({ models: { gpt: entry as never } });
				} catch (e) {
					return e;
				}
				return undefined;
			})();
			expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
		}
	});

	it("streams through the chosen deployment and names it in the usage chunk, usage and events", async () => {
		const a = scriptedDeployment("a");
		const b = scriptedDeployment("b");
		a.set({ fail: 500 });
		const log = eventLog();
		const router = new ModelRouter({
			rateLimiters: new RateLimiterRegistry(),
			onEvent: log.onEvent,
			models: {
				gpt: {
					deployments: [
						{ name: "a", model: a.model },
						{ name: "b", model: b.model },
					],
				},
			},
		});
		let text = "";
		let last: unknown;
		for await (const chunk of await router.stream("hi")) {
			text += chunk.content;
			last = chunk;
		}
		expect(text).toBe("from b");
		expect(usageOf(last)?.total_tokens).toBe(15);
		expect(weftMetadata(last as never)?.balance).toMatchObject({
			deployment: "b",
			strategy: "weighted-round-robin",
		});
		expect(log.events.map((e: ModelEvent) => e.type)).toEqual([
			"route",
			"balance",
			"attempt",
			"failover",
			"balance",
			"attempt",
			"usage",
		]);
		expect(log.of("attempt").map((e) => e.deployment)).toEqual(["a", "b"]);
		expect(log.of("balance")[1]!.skipped).toEqual([
			{ deployment: "a", reason: "failed earlier in this call" },
		]);
		expect(router.usage.calls()[0]!.balance?.deployment).toBe("b");
	});

	it("does not fail over on a bad request: the request is at fault, not the deployment", async () => {
		const b = scriptedDeployment("b");
		const bad = new ModelRouter({
			rateLimiters: new RateLimiterRegistry(),
			models: {
				gpt: {
					deployments: [
						{
							name: "bad",
							model: new ScriptedChatModel([{ fail: "bad-request" }]),
						},
						{ name: "b", model: b.model },
					],
				},
			},
		});
		const err = await bad.invoke("hi").catch((e: unknown) => e);
		expect(isWeftError(err, "MODEL_REQUEST_INVALID")).toBe(true);
		expect(b.sent).toBe(0);
		expect(bad.deploymentStatus().gpt![0]).toMatchObject({
			circuit: "closed",
			failures: 1,
		});
	});
});
