import {
	blockedTopicsGuard,
	type GuardrailError,
	ModelRouter,
	maxLengthGuard,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model.ts";

describe("blocked topics and length guards", () => {
	it("asks a classifier model and blocks a listed topic before the main model runs", async () => {
		const classifier = new FakeModel("cls", [
			{ content: "Medical advice" },
			{ content: "NONE" },
		]);
		const main = new FakeModel("main", [{ content: "answer" }]);
		const router = new ModelRouter({
			models: { main },
			guards: [
				blockedTopicsGuard({
					classifier,
					topics: ["medical advice", "legal advice"],
				}),
			],
		});
		const err = (await router
			.invoke("what dose of X should I take?")
			.catch((e: unknown) => e)) as GuardrailError;
		expect(err).toMatchObject({
			guard: "blocked-topics",
			findings: [{ kind: "blocked_topic", excerpt: "medical advice" }],
		});
		expect(main.calls).toHaveLength(0);
		expect((await router.invoke("hello")).content).toBe("answer");
		expect(String(classifier.calls[0]!.messages[1]!.content)).toBe(
			"what dose of X should I take?",
		);
		// both classifier calls were paid for, the blocked one too: counted under the classifier's model
		const totals = router.usage.totals();
		expect(totals.calls).toBe(3);
		expect(Object.keys(totals.byModel).sort()).toEqual(["cls", "main"]);
		expect(totals.byModel.cls!.calls).toBe(2);
	});

	// Found from outside (6 Dec): a wordy classifier's "NONE - this is about software" blocked "war" (in
	// "software"), and "None. The text is about an art class." blocked "art"
	it("reads NONE as NONE, and a topic only as a whole word of the classifier's reply", async () => {
		const verdict = async (reply: string, topics: string[]) => {
			const router = new ModelRouter({
				models: { main: new FakeModel("main", [{ content: "answer" }]) },
				guards: [
					blockedTopicsGuard({
						classifier: new FakeModel("cls", [{ content: reply }]),
						topics,
					}),
				],
			});
			return router.invoke("q").then(
				() => "passed",
				(e: GuardrailError) => e.findings?.[0]?.excerpt ?? e.code,
			);
		};
		const topics = ["war", "art", "legal advice"];
		expect(await verdict("NONE", topics)).toBe("passed");
		expect(await verdict("NONE - this is about software", topics)).toBe(
			"passed",
		);
		expect(await verdict("None. The text is about an art class.", topics)).toBe(
			"passed",
		);
		expect(await verdict('"none"', topics)).toBe("passed");
		expect(await verdict("Software engineering", topics)).toBe("passed");
		expect(await verdict("War", topics)).toBe("war");
		expect(await verdict("art.", topics)).toBe("art");
		expect(await verdict("The topic is: legal advice", topics)).toBe(
			"legal advice",
		);
		expect(await verdict("Legal  Advice", topics)).toBe("legal advice");
		// content blocks (Anthropic's shape) read as their text
		expect(
			await verdict(
				[{ type: "text", text: "NONE - this is not about war" }] as never,
				topics,
			),
		).toBe("passed");
		expect(
			await verdict([{ type: "text", text: "War" }] as never, topics),
		).toBe("war");
	});

	it("classifies a user's message once, though an agent's turn checks it at each model call", async () => {
		const classifier = new FakeModel("cls", [{ content: "NONE" }]);
		const router = new ModelRouter({
			models: {
				main: new FakeModel("main", [{ content: "a" }, { content: "b" }]),
			},
			guards: [blockedTopicsGuard({ classifier, topics: ["war"] })],
		});
		await router.invoke("plan my trip");
		await router.invoke("plan my trip");
		expect(classifier.calls).toHaveLength(1);
	});

	it("rewrites a blocked answer to the refusal when configured", async () => {
		const classifier = new FakeModel("cls", [{ content: "legal advice" }]);
		const main = new FakeModel("main", [{ content: "sue them" }]);
		const router = new ModelRouter({
			models: { main },
			guards: [
				blockedTopicsGuard({
					classifier,
					topics: ["legal advice"],
					stages: ["output"],
					action: "rewrite",
					refusal: "I can't help with that.",
				}),
			],
		});
		expect((await router.invoke("q")).content).toBe("I can't help with that.");
	});

	it("blocks or truncates over-long input and output", async () => {
		const main = new FakeModel("main", [
			{ content: "a very long answer indeed" },
		]);
		const block = new ModelRouter({
			models: { main },
			guards: [maxLengthGuard({ maxChars: 5 })],
		});
		await expect(block.invoke("123456")).rejects.toMatchObject({
			guard: "max-length",
			findings: [{ excerpt: "6 characters > 5" }],
		});
		const cut = new ModelRouter({
			models: { main },
			guards: [
				maxLengthGuard({
					maxChars: 6,
					stages: ["input", "output"],
					action: "rewrite",
				}),
			],
		});
		const out = await cut.invoke("1234567890");
		expect(String(main.calls[0]!.messages[0]!.content)).toBe("12345…");
		expect(out.content).toBe("a ver…");
		expect(() => maxLengthGuard({ maxChars: 0 })).toThrow(
			expect.objectContaining({ code: "CONFIG_INVALID" }),
		);
		expect(() => blockedTopicsGuard({ classifier: main, topics: [] })).toThrow(
			expect.objectContaining({ code: "CONFIG_INVALID" }),
		);
	});
});
