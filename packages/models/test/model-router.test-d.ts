import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { AIMessageChunk } from "@langchain/core/messages";
import {
	type CallUsage,
	type Guard,
	type ModelEvent,
	ModelRouter,
	type ModelRouterOptions,
	piiGuard,
	type RouteRule,
	trimByTokens,
	type UsageTotals,
	UsageTracker,
	type WeftResponseMetadata,
	weftMetadata,
} from "@weft/models";
import { describe, expectTypeOf, it } from "vitest";

declare const chat: BaseChatModel;

describe("ModelRouter types", () => {
	it("is a BaseChatModel whose invoke returns AIMessageChunk", () => {
		const router = new ModelRouter({ models: { a: chat } });
		expectTypeOf(router).toMatchTypeOf<BaseChatModel>();
		expectTypeOf(router.invoke("hi")).resolves.toEqualTypeOf<AIMessageChunk>();
		expectTypeOf(weftMetadata).returns.toEqualTypeOf<
			WeftResponseMetadata | undefined
		>();
	});

	it("accepts bare models or entries, rules, and per-call routing options", () => {
		const options: ModelRouterOptions = {
			models: {
				a: chat,
				b: {
					model: chat,
					features: ["tools", "vision"],
					contextWindow: 128_000,
					temperature: 0,
					rateLimits: { requestsPerMinute: 60 },
				},
			},
			rules: [{ task: "summarise", use: ["a", "b"] }],
			cache: { ttlMs: 60_000 },
			guards: [piiGuard()],
		};
		const router = new ModelRouter(options);
		void router.invoke("hi", {
			task: "summarise",
			maxCostUsd: 0.01,
			requires: ["vision"],
			cache: false,
			maxWaitMs: 100,
		});
		// @ts-expect-error: `use` is required in a rule
		const bad: RouteRule = { task: "x" };
		void bad;
		// @ts-expect-error: models is required
		void new ModelRouter({});
		// @ts-expect-error: cost ceiling is a number of dollars
		void router.invoke("hi", { maxCostUsd: "cheap" });
	});

	it("takes a route function that answers now or later (decision 0232)", () => {
		const now: ModelRouterOptions["route"] = (ctx) =>
			ctx.task === "hard" ? ["a", "b"] : undefined;
		const later: ModelRouterOptions["route"] = async () => "a";
		void [now, later];
		// @ts-expect-error: a route names models, it does not count them
		const wrong: ModelRouterOptions["route"] = async () => 1;
		void wrong;
	});

	it("counts unpriced calls in the usage totals, overall and by model", () => {
		expectTypeOf<UsageTotals["unpricedCalls"]>().toEqualTypeOf<number>();
		expectTypeOf<UsageTotals["costUsd"]>().toEqualTypeOf<number>();
		const totals = new UsageTracker().totals();
		expectTypeOf(totals.unpricedCalls).toEqualTypeOf<number>();
		expectTypeOf(totals.byModel).toEqualTypeOf<Record<string, UsageTotals>>();
		// @ts-expect-error a count, not a flag
		const flag: UsageTotals["unpricedCalls"] = true;
		expectTypeOf(flag).not.toBeAny();
	});

	it("types events by their type tag and guards as plain objects", () => {
		const onEvent = (e: ModelEvent) => {
			if (e.type === "retry") expectTypeOf(e.delayMs).toEqualTypeOf<number>();
			if (e.type === "usage") expectTypeOf(e).toMatchTypeOf<CallUsage>();
			// @ts-expect-error: no such event type
			if (e.type === "retried") return;
		};
		void onEvent;
		const guard: Guard = {
			name: "noop",
			stages: ["input"],
			action: "block",
			check: () => ({ ok: true }),
		};
		// @ts-expect-error: a tripped verdict must say what it found
		const broken: Guard = { ...guard, check: () => ({ ok: false }) };
		void broken;
		expectTypeOf(trimByTokens)
			.parameter(1)
			.toHaveProperty("maxTokens")
			.toEqualTypeOf<number>();
	});
});
