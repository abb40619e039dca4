import {
	AIMessage,
	HumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import { isSummaryMessage, ModelRouter, summarizeMessages } from "@weft/models";
import { describe, expect, it } from "vitest";
import { eventLog, FakeModel } from "./fake-model.ts";

const count = (msgs: unknown[]) => msgs.length * 10;
const history = () => [
	new SystemMessage("sys"),
	new HumanMessage("h1"),
	new AIMessage("a1"),
	new HumanMessage("h2"),
	new AIMessage("a2"),
	new HumanMessage("h3"),
];

describe("summarising older turns", () => {
	it("replaces the cut turns with one summary message after the system message", async () => {
		const summariser = new FakeModel("sum", [{ content: "User said h1, h2." }]);
		const out = await summarizeMessages(history(), {
			maxTokens: 30,
			tokenCounter: count,
			model: summariser,
		});
		expect(out.summary).toBe("User said h1, h2.");
		expect(out.messages.map((m) => m.getType())).toEqual([
			"system",
			"human",
			"human",
		]);
		expect(isSummaryMessage(out.messages[1]!)).toBe(true);
		expect(String(out.messages[1]!.content)).toContain("User said h1, h2.");
		const asked = summariser.calls[0]!.messages.map((m) =>
			String(m.content),
		).join("\n");
		expect(asked).toContain("Human: h1");
		expect(asked).toContain("AI: a2");
		expect(asked).not.toContain("h3");
	});

	it("calls no model when nothing is cut", async () => {
		const summariser = new FakeModel("sum", [{ content: "never" }]);
		const out = await summarizeMessages(history(), {
			maxTokens: 1000,
			model: summariser,
		});
		expect(out.summary).toBeUndefined();
		expect(out.messages).toHaveLength(6);
		expect(summariser.calls).toHaveLength(0);
	});

	it("runs as the router's pre-model hook and records a context event", async () => {
		const main = new FakeModel("main", [{ content: "answer" }]);
		const summariser = new FakeModel("sum", [{ content: "earlier stuff" }]);
		const log = eventLog();
		const router = new ModelRouter({
			models: { main },
			context: {
				maxTokens: 30,
				tokenCounter: count,
				summarize: { model: summariser },
			},
			onEvent: log.onEvent,
		});
		await router.invoke(history());
		expect(main.calls[0]!.messages.map((m) => String(m.content))).toEqual([
			"sys",
			"Summary of the earlier conversation:\nearlier stuff",
			"h3",
		]);
		expect(log.of("context")).toEqual([
			expect.objectContaining({
				removedMessages: 4,
				summarized: true,
				tokensBefore: 60,
			}),
		]);
	});

	it("passes the call's signal to the summariser: a cancelled call stops its summary too", async () => {
		const main = new FakeModel("main", [{ content: "answer" }]);
		let given: AbortSignal | undefined;
		const summariser = {
			invoke: (_m: unknown, options?: Record<string, unknown>) => {
				given = options?.signal as AbortSignal | undefined;
				const signal = given;
				// a summary that takes long: it ends only when the call is cancelled
				if (signal === undefined) return Promise.resolve({ content: "late" });
				return new Promise<never>((_resolve, reject) =>
					signal.addEventListener("abort", () => reject(signal.reason)),
				);
			},
		};
		const router = new ModelRouter({
			models: { main },
			context: {
				maxTokens: 30,
				tokenCounter: count,
				summarize: { model: summariser },
			},
		});
		const controller = new AbortController();
		const call = router.invoke(history(), { signal: controller.signal });
		await new Promise((r) => setTimeout(r, 10));
		controller.abort(new Error("cancelled by the caller"));
		await expect(call).rejects.toThrow();
		expect(given).toBe(controller.signal);
		expect(main.calls).toHaveLength(0);
	});

	it("counts the summariser's tokens (and cost) in the router's usage", async () => {
		const main = new FakeModel("main", [{ content: "answer" }]);
		const summariser = new FakeModel("gpt-4o-mini", [
			{
				content: "earlier stuff",
				usage: { input_tokens: 200, output_tokens: 20, total_tokens: 220 },
			},
		]);
		const router = new ModelRouter({
			models: { main },
			context: {
				maxTokens: 30,
				tokenCounter: count,
				summarize: { model: summariser },
			},
		});
		await router.invoke(history());
		const totals = router.usage.totals();
		expect(totals.calls).toBe(2);
		expect(totals.byModel["gpt-4o-mini"]).toMatchObject({
			calls: 1,
			inputTokens: 200,
			outputTokens: 20,
		});
		expect(totals.byModel["gpt-4o-mini"]!.costUsd).toBeGreaterThan(0);
		expect(totals.inputTokens).toBe(210);
		expect(router.usage.calls()[0]).toMatchObject({
			route: "context.summarize",
			counted: false,
		});
	});

	it("trims without a summary when no summariser is set", async () => {
		const main = new FakeModel("main", [{ content: "answer" }]);
		const router = new ModelRouter({
			models: { main },
			context: { maxTokens: 20, tokenCounter: count },
		});
		await router.invoke(history());
		expect(main.calls[0]!.messages.map((m) => String(m.content))).toEqual([
			"sys",
			"h3",
		]);
	});

	it("refuses a missing or non-model summariser with CONFIG_INVALID (was a TypeError)", async () => {
		for (const model of [undefined, {}, "gpt-4o"])
			await expect(
				summarizeMessages(history(), {
					maxTokens: 20,
					tokenCounter: count,
					model: model as never,
				}),
			).rejects.toMatchObject({
				code: "CONFIG_INVALID",
				hint: expect.any(String),
			});
	});
});
