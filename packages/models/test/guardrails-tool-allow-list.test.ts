import { tool } from "@langchain/core/tools";
import {
	type Guard,
	GuardrailError,
	ModelRouter,
	toolAllowListGuard,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { eventLog, FakeModel } from "./fake-model.ts";

const mk = (name: string) =>
	tool(async () => "ok", { name, description: name, schema: z.object({}) });

describe("tool allow-list", () => {
	it("binds only allowed tools and blocks a call to any other", async () => {
		const model = new FakeModel("m", [
			{ toolCalls: [{ name: "delete_all", args: {} }] },
		]);
		const router = new ModelRouter({
			models: { model },
			guards: [toolAllowListGuard({ allow: ["search"] })],
		});
		const err = (await router
			.bindTools([mk("search"), mk("delete_all")])
			.invoke("go")
			.catch((e: unknown) => e)) as GuardrailError;
		expect(err).toBeInstanceOf(GuardrailError);
		expect(err.findings).toEqual([
			{ kind: "tool_not_allowed", excerpt: "delete_all" },
		]);
		expect(model.calls[0]!.tools).toEqual(["search"]);
		// the blocked answer was still paid for: counted (outside audit, 2 Dec)
		expect(router.usage.totals().calls).toBe(1);
		expect(router.usage.totals().inputTokens).toBeGreaterThan(0);
	});

	it("refuses a guard without its allow list (CONFIG_INVALID)", () => {
		for (const options of [{}, { allow: "search" }, { allow: [1] }, undefined])
			expect(() => toolAllowListGuard(options as never)).toThrow(
				expect.objectContaining({ code: "CONFIG_INVALID" }),
			);
	});

	it("drops disallowed calls in rewrite mode and keeps the rest", async () => {
		const model = new FakeModel("m", [
			{
				toolCalls: [
					{ name: "search", args: { q: "x" } },
					{ name: "pay", args: {} },
				],
			},
		]);
		const log = eventLog();
		const router = new ModelRouter({
			models: { model },
			guards: [toolAllowListGuard({ allow: ["search"], action: "rewrite" })],
			onEvent: log.onEvent,
		});
		const out = await router.bindTools([mk("search"), mk("pay")]).invoke("go");
		expect(out.tool_calls?.map((c) => c.name)).toEqual(["search"]);
		expect(log.of("guardrail")[0]).toMatchObject({
			action: "rewrote",
			stage: "output",
		});
	});

	it("composes with custom guards, each seeing the previous rewrite", async () => {
		const upper: Guard = {
			name: "upper",
			stages: ["input"],
			action: "rewrite",
			check: (ctx) => ({
				ok: false,
				findings: [{ kind: "case", excerpt: "lower" }],
				rewrite: { messages: ctx.messages.map((m) => m) },
			}),
		};
		const refuse: Guard = {
			name: "refuse",
			stages: ["input"],
			action: "rewrite",
			check: () => ({ ok: false, findings: [{ kind: "no", excerpt: "-" }] }),
		};
		const model = new FakeModel("m", [{ content: "x" }]);
		const log = eventLog();
		// A rewrite guard with no rewrite blocks.
		await expect(
			new ModelRouter({
				models: { model },
				guards: [upper, refuse],
				onEvent: log.onEvent,
			}).invoke("q"),
		).rejects.toMatchObject({ guard: "refuse" });
		expect(log.of("guardrail").map((e) => [e.guard, e.action])).toEqual([
			["upper", "rewrote"],
			["refuse", "blocked"],
		]);
	});
});
