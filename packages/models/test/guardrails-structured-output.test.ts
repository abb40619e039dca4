import {
	GuardrailError,
	MemoryCacheStore,
	ModelRouter,
	parseJsonAnswer,
	structuredOutputGuard,
	weftMetadata,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { eventLog, FakeModel, usageOf } from "./fake-model.ts";

const Person = z.object({ name: z.string(), age: z.number() });

describe("structured output guard", () => {
	it("passes a valid answer (also inside a json fence)", async () => {
		const model = new FakeModel("m", [
			{ content: '```json\n{"name":"Ada","age":36}\n```' },
		]);
		const out = await new ModelRouter({
			models: { model },
			guards: [structuredOutputGuard({ schema: Person })],
		}).invoke("who");
		expect(parseJsonAnswer(String(out.content))).toEqual({
			name: "Ada",
			age: 36,
		});
		expect(model.calls).toHaveLength(1);
	});

	it("repairs once: asks again with the problems, and counts the extra attempt and tokens", async () => {
		const model = new FakeModel("m", [
			{ content: '{"name":"Ada","age":"old"}' },
			{ content: '{"name":"Ada","age":36}' },
		]);
		const log = eventLog();
		const router = new ModelRouter({
			models: { model },
			guards: [structuredOutputGuard({ schema: Person })],
			onEvent: log.onEvent,
		});
		const out = await router.invoke("who");
		expect(out.content).toBe('{"name":"Ada","age":36}');
		expect(weftMetadata(out)!.attempts).toBe(2);
		expect(usageOf(out)?.total_tokens).toBe(30);
		const repairPrompt = String(model.calls[1]!.messages.at(-1)!.content);
		expect(repairPrompt).toContain("age: Invalid input: expected number");
		expect(log.of("guardrail")).toEqual([
			expect.objectContaining({
				guard: "structured-output",
				action: "repaired",
			}),
		]);
	});

	it("caches the repaired answer, not the one it repaired: a hit answers it without asking again (invoke and stream)", async () => {
		// the unrepaired answer was stored, so every hit was repaired again with a paid call
		for (const how of ["invoke", "stream"] as const) {
			const model = new FakeModel(
				"gpt-4o-mini",
				[
					{ content: '{"name":"Ada","age":"old"}' },
					{ content: '{"name":"Ada","age":36}' },
				],
				{ temperature: 0 },
			);
			const store = new MemoryCacheStore();
			const log = eventLog();
			const router = new ModelRouter({
				models: { "gpt-4o-mini": model },
				cache: { store },
				guards: [structuredOutputGuard({ schema: Person })],
				onEvent: log.onEvent,
			});
			const ask = async () => {
				if (how === "invoke") return router.invoke("who");
				let last: Awaited<ReturnType<typeof router.invoke>> | undefined;
				for await (const c of await router.stream("who"))
					last = last === undefined ? c : last.concat(c);
				return last!;
			};
			const first = await ask();
			expect(first.content, how).toBe('{"name":"Ada","age":36}');
			expect(model.calls, how).toHaveLength(2);
			const again = await ask();
			expect(again.content, how).toBe('{"name":"Ada","age":36}');
			expect(model.calls, how).toHaveLength(2);
			expect(weftMetadata(again), how).toMatchObject({
				cache: "hit",
				costUsd: 0,
			});
			// the hit saved both calls the first answer took: 2 × (10 in, 5 out) at gpt-4o-mini's price
			expect(weftMetadata(again)!.savedUsd, how).toBeCloseTo(
				(20 * 0.15 + 10 * 0.6) / 1e6,
				12,
			);
			expect(weftMetadata(first)!.costUsd, how).toBeCloseTo(
				(20 * 0.15 + 10 * 0.6) / 1e6,
				12,
			);
			expect(
				log.of("guardrail").map((e) => e.action),
				how,
			).toEqual(["repaired"]);
			expect(store.size, how).toBe(1);
		}
	});

	it("replaces a cached answer that a guard repairs on a hit (a stricter router on a shared store)", async () => {
		const model = new FakeModel(
			"gpt-4o-mini",
			[
				{ content: '{"name":"Ada","age":"old"}' },
				{ content: '{"name":"Ada","age":36}' },
			],
			{ temperature: 0 },
		);
		const store = new MemoryCacheStore();
		const loose = new ModelRouter({
			models: { "gpt-4o-mini": model },
			cache: { store },
		});
		const strict = new ModelRouter({
			models: { "gpt-4o-mini": model },
			cache: { store },
			guards: [structuredOutputGuard({ schema: Person })],
		});
		expect((await loose.invoke("who")).content).toBe(
			'{"name":"Ada","age":"old"}',
		);
		const repaired = await strict.invoke("who");
		expect(repaired.content).toBe('{"name":"Ada","age":36}');
		expect(weftMetadata(repaired)).toMatchObject({ cache: "hit" });
		expect(model.calls).toHaveLength(2);
		const hit = await strict.invoke("who");
		expect(hit.content).toBe('{"name":"Ada","age":36}');
		expect(model.calls).toHaveLength(2);
		// both calls the answer took are what the hit saved
		expect(weftMetadata(hit)!.savedUsd).toBeCloseTo(
			(20 * 0.15 + 10 * 0.6) / 1e6,
			12,
		);
	});

	it("blocks when the repair is still invalid, or when repair is off", async () => {
		const bad = new FakeModel("m", [
			{ content: "not json" },
			{ content: "{}" },
		]);
		const err = (await new ModelRouter({
			models: { bad },
			guards: [structuredOutputGuard({ schema: Person })],
		})
			.invoke("who")
			.catch((e: unknown) => e)) as GuardrailError;
		expect(err).toBeInstanceOf(GuardrailError);
		expect(err.stage).toBe("output");
		expect(err.findings.map((f) => f.excerpt)).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^not JSON/),
				expect.stringMatching(/^after repair: name/),
			]),
		);
		expect(bad.calls).toHaveLength(2);

		const once = new FakeModel("m", [{ content: "nope" }]);
		await expect(
			new ModelRouter({
				models: { once },
				guards: [structuredOutputGuard({ schema: Person, repair: false })],
			}).invoke("who"),
		).rejects.toBeInstanceOf(GuardrailError);
		expect(once.calls).toHaveLength(1);
	});
});
