import { ScriptedChatModel } from "@weft/graph/llm";
import {
	type BalanceStrategy,
	type DeploymentStatus,
	ModelRouter,
	type UsageBalance,
	weftMetadata,
} from "@weft/models";
import { describe, expectTypeOf, it } from "vitest";

const m = new ScriptedChatModel(["hi"]);

describe("balancing types", () => {
	it("accepts an entry with deployments instead of a model", () => {
		const router = new ModelRouter({
			models: {
				gpt: {
					deployments: [
						{ name: "east", model: m, weight: 2 },
						{ name: "west", model: m, rateLimits: { maxConcurrency: 4 } },
					],
					balance: {
						strategy: "least-outstanding",
						circuit: { failureThreshold: 3, coolDownMs: 10_000 },
					},
				},
			},
			clock: () => 0,
		});
		expectTypeOf(router.deploymentStatus()).toEqualTypeOf<
			Record<string, DeploymentStatus[]>
		>();
		const one = [{ name: "a", model: m }];
		new ModelRouter({
			models: {
				gpt: {
					deployments: one,
					// @ts-expect-error a strategy name that does not exist
					balance: { strategy: "random" },
				},
			},
		});
		new ModelRouter({
			models: {
				// @ts-expect-error rate limits belong on each deployment of a balanced entry
				gpt: { deployments: one, rateLimits: { maxConcurrency: 1 } },
			},
		});
	});

	it("reports the choice on the answer", async () => {
		const router = new ModelRouter({ models: { m } });
		const answer = await router.invoke("hi", { threadId: "t1" });
		expectTypeOf(weftMetadata(answer)!.balance).toEqualTypeOf<
			UsageBalance | undefined
		>();
		expectTypeOf<BalanceStrategy>().toEqualTypeOf<
			| "weighted-round-robin"
			| "least-outstanding"
			| "lowest-latency"
			| "sticky-thread"
		>();
	});
});
