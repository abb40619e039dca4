import {
	GuardrailError,
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
