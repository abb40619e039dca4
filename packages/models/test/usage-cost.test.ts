import {
	costOf,
	findPrice,
	LIST_PRICES,
	ModelRouter,
	PRICES_AS_OF,
	UsageTracker,
	weftMetadata,
	withPrices,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import { eventLog, FakeModel, usageOf } from "./fake-model.ts";

describe("usage and cost", () => {
	it("prices a call from usage_metadata, cache reads at their own price", async () => {
		const usage = {
			input_tokens: 1_000_000,
			output_tokens: 100_000,
			total_tokens: 1_100_000,
			input_token_details: { cache_read: 400_000 },
		};
		const model = new FakeModel("claude", [{ content: "ok", usage }]);
		const log = eventLog();
		const router = new ModelRouter({
			models: { "claude-sonnet-4-5-20250929": model },
			onEvent: log.onEvent,
		});
		const out = await router.invoke("hi");
		// 600k × $3 + 400k × $0.30 + 100k × $15, per million
		expect(weftMetadata(out)!.costUsd).toBeCloseTo(1.8 + 0.12 + 1.5, 10);
		expect(usageOf(out)).toEqual(usage);
		expect(log.of("usage")[0]).toMatchObject({
			model: "claude-sonnet-4-5-20250929",
			inputTokens: 1_000_000,
			cachedInputTokens: 400_000,
			counted: false,
		});
	});

	it("counts tokens when the provider reports none (tiktoken for OpenAI ids, estimate otherwise)", async () => {
		const gpt = new FakeModel("gpt", [
			{ content: "hello world", usage: false },
		]);
		const other = new FakeModel("other", [
			{ content: "hello world", usage: false },
		]);
		const router = new ModelRouter({ models: { "gpt-4o": gpt, local: other } });
		const a = await router.invoke("How many tokens is this?");
		expect(weftMetadata(a)!.counted).toBe(true);
		expect(usageOf(a)).toEqual({
			input_tokens: 10,
			output_tokens: 2,
			total_tokens: 12,
		});
		const local = new ModelRouter({ models: { local: other } });
		const c = await local.invoke("x".repeat(40));
		expect(usageOf(c)).toMatchObject({ input_tokens: 14 });
		expect(weftMetadata(c)!.costUsd).toBeUndefined();
	});

	it("keeps running totals overall and by model, shareable across routers", async () => {
		const tracker = new UsageTracker();
		const a = new ModelRouter({
			models: { "gpt-4o-mini": new FakeModel("a", [{ content: "a" }]) },
			usage: tracker,
		});
		const b = new ModelRouter({
			models: { "gpt-4o": new FakeModel("b", [{ content: "b" }]) },
			usage: tracker,
		});
		await a.invoke("1");
		await a.invoke("2");
		await b.invoke("3");
		const t = tracker.totals();
		expect(t).toMatchObject({
			calls: 3,
			inputTokens: 30,
			outputTokens: 15,
			totalTokens: 45,
		});
		expect(Object.keys(t.byModel)).toEqual(["gpt-4o-mini", "gpt-4o"]);
		expect(t.byModel["gpt-4o-mini"]?.calls).toBe(2);
		expect(t.costUsd).toBeCloseTo(
			(20 * 0.15 + 10 * 0.6 + 10 * 2.5 + 5 * 10) / 1e6,
			12,
		);
		expect(tracker.calls()).toHaveLength(3);
		tracker.reset();
		expect(tracker.totals().calls).toBe(0);
	});

	it("prices dated, -latest and revision ids as the listed model, and takes user prices", () => {
		expect(findPrice("gpt-4o-mini-2024-07-18")).toBe(
			LIST_PRICES["gpt-4o-mini"],
		);
		expect(findPrice("openai:gpt-4o-2024-08-06")).toBe(LIST_PRICES["gpt-4o"]);
		expect(findPrice("claude-3-5-haiku-latest")).toBe(
			LIST_PRICES["claude-3-5-haiku"],
		);
		expect(findPrice("claude-sonnet-4-5-20250929")).toBe(
			LIST_PRICES["claude-sonnet-4-5"],
		);
		expect(findPrice("anthropic:claude-opus-4-0")).toEqual(
			LIST_PRICES["claude-opus-4"],
		);
		expect(findPrice("models/gemini-2.0-flash-001")).toBe(
			LIST_PRICES["gemini-2.0-flash"],
		);
		expect(findPrice("gpt-4o-0613")).toBe(LIST_PRICES["gpt-4o"]);
		expect(findPrice("gpt-4oops")).toBeUndefined();
		expect(findPrice("my-llama")).toBeUndefined();
		expect(findPrice("toString")).toBeUndefined();
		const table = withPrices({
			"my-llama": { inputPerMTok: 0, outputPerMTok: 0 },
		});
		expect(findPrice("my-llama-20250101", table)).toEqual({
			inputPerMTok: 0,
			outputPerMTok: 0,
		});
		// a named variant is another model: not priced as the one it extends
		expect(findPrice("my-llama-8b", table)).toBeUndefined();
	});

	it("leaves a variant of a listed model unpriced rather than pricing it as its base model", async () => {
		// these were priced as gpt-5, o3, gpt-4.1, claude-opus-4 and gemini-2.5-flash: up to 10× too low
		for (const id of [
			"gpt-5-pro",
			"gpt-5-pro-2025-10-06",
			"o3-pro",
			"o3-deep-research",
			"gpt-5-chat-latest",
			"claude-opus-4-6",
			"gemini-2.5-flash-preview-05-20",
			"gemini-2.0-flash-exp",
			"gemini-2.0-flash-12",
		])
			expect(findPrice(id), id).toBeUndefined();
		expect(
			findPrice("gpt-4.1-mini", {
				"gpt-4.1": { inputPerMTok: 2, outputPerMTok: 8 },
			}),
		).toBeUndefined();
		const router = new ModelRouter({
			models: { "gpt-5-pro": new FakeModel("p", [{ content: "x" }]) },
		});
		expect(weftMetadata(await router.invoke("x"))!.costUsd).toBeUndefined();
		expect(
			costOf(
				{ inputTokens: 10, outputTokens: 10, cacheWriteTokens: 10 },
				{ inputPerMTok: 1, outputPerMTok: 2, cacheWritePerMTok: 3 },
			),
		).toBeCloseTo((10 * 3 + 10 * 2) / 1e6, 15);
		expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
	});

	it("uses an entry's own price over the table", async () => {
		const router = new ModelRouter({
			models: {
				mine: {
					model: new FakeModel("m", [{ content: "x" }]),
					price: { inputPerMTok: 1_000_000, outputPerMTok: 0 },
				},
			},
		});
		expect(weftMetadata(await router.invoke("x"))!.costUsd).toBe(10);
	});
});
