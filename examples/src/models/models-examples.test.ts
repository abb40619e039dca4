import { describe, expect, it } from "vitest";
import { main as cacheAndCost } from "./cache-and-cost.ts";
import { main as contextTrim } from "./context-trim.ts";
import { main as guardrails } from "./guardrails.ts";
import { main as llmNodeUsage } from "./llm-node-usage.ts";
import { main as rateLimits } from "./rate-limits.ts";
import { main as routerFallback } from "./router-fallback.ts";

describe("@weft/models examples run offline", () => {
	it("router and fallback", async () => {
		const out = await routerFallback();
		expect(out.answer.weft).toMatchObject({
			model: "claude-sonnet-4-5",
			attempts: 3,
			route: "default",
		});
		expect(out.summary.weft).toMatchObject({
			model: "gpt-4o-mini",
			attempts: 2,
			route: "summaries",
		});
		expect(out.events).toContain("fallback");
	});

	it("cache and cost", async () => {
		const out = await cacheAndCost();
		expect(out.first).toMatchObject({ cache: "miss" });
		expect(out.again).toMatchObject({ cache: "hit", costUsd: 0 });
		expect(out.totals).toMatchObject({ calls: 3, cacheHits: 1 });
		expect(out.totals.byModel["my-llama"]?.costUsd).toBeGreaterThan(0);
	});

	it("guardrails", async () => {
		const out = await guardrails();
		expect(out.answer).toBe('{"name": "Jane", "plan": "pro"}');
		expect(out.seen).toBe(
			"I'm [EMAIL], card [CARD]. Which plan am I on? Reply in JSON.",
		);
		expect(out.guardEvents.map((e) => e.guard)).toEqual([
			"pii",
			"structured-output",
		]);
		expect(out.blocked).toMatchObject({
			guard: "pii",
			findings: [{ kind: "phone" }],
		});
	});

	it("context trimming and summaries", async () => {
		const out = await contextTrim();
		expect(out.kept[0]).toBe("system");
		expect(out.kept).not.toContain("tool");
		expect(out.sentToModel?.[1]).toMatch(
			/^Summary of the earlier conversation/,
		);
		expect(out.answer).toBe("Try Memmo Alfama.");
	});

	it("rate limits", async () => {
		expect(await rateLimits()).toEqual({
			answers: ["ok", "ok", "ok"],
			timedOut: true,
		});
	});

	it("llmNode usage", async () => {
		const usage = await llmNodeUsage();
		expect(usage.byModel["gpt-4o-mini"]).toMatchObject({
			inputTokens: 900,
			outputTokens: 40,
		});
		expect(usage.costUsd).toBeGreaterThan(0);
	});
});
