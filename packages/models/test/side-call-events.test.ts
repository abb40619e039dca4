// A side call's retries (the summariser's, a guard classifier's: decision 0228) send `retry` events as a
// main call's do, naming the side call and its model (decision 0244).
import {
	AIMessage,
	HumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import { ScriptedChatModel } from "@weft/graph/llm";
import { blockedTopicsGuard, type ModelEvent, ModelRouter } from "@weft/models";
import { describe, expect, it } from "vitest";

const history = [
	new SystemMessage("sys"),
	new HumanMessage("a ".repeat(100)),
	new AIMessage("b ".repeat(100)),
	new HumanMessage("question?"),
];
const retry = { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 1 };
const retries = (events: ModelEvent[]) =>
	events.filter((e) => e.type === "retry");

describe("a side call's retries", () => {
	it("send a retry event naming the summariser, as the main call's retries do", async () => {
		const summariser = new ScriptedChatModel({
			model: "sum-model",
			replies: [{ fail: "server", status: 503 }, "summary"],
		});
		const llm = new ScriptedChatModel({
			replies: [{ fail: "server", status: 503 }, "answer"],
		});
		const events: ModelEvent[] = [];
		const router = new ModelRouter({
			models: { llm },
			retry,
			context: { maxTokens: 30, summarize: { model: summariser } },
			onEvent: (e) => events.push(e),
		});
		expect((await router.invoke(history)).content).toBe("answer");
		const callId = events[0]!.callId;
		expect(retries(events)).toEqual([
			{
				type: "retry",
				callId,
				model: "sum-model",
				sideCall: "context.summarize",
				attempt: 1,
				delayMs: expect.any(Number),
				retryAfterMs: undefined,
				error: expect.objectContaining({ kind: "server", status: 503 }),
			},
			expect.objectContaining({
				type: "retry",
				callId,
				model: "llm",
				attempt: 1,
			}),
		]);
		expect(retries(events)[1]).not.toHaveProperty("sideCall");
	});

	it("send a retry event naming the guard's classifier", async () => {
		const classifier = new ScriptedChatModel({
			model: "classifier-model",
			replies: [{ fail: "rate-limit", retryAfterSeconds: 0 }, "NONE"],
		});
		const events: ModelEvent[] = [];
		const router = new ModelRouter({
			models: { llm: new ScriptedChatModel({ replies: ["answer"] }) },
			retry,
			guards: [blockedTopicsGuard({ topics: ["politics"], classifier })],
			onEvent: (e) => events.push(e),
		});
		expect((await router.invoke("a pasta recipe?")).content).toBe("answer");
		expect(retries(events)).toEqual([
			expect.objectContaining({
				type: "retry",
				model: "classifier-model",
				sideCall: "guard.blocked-topics",
				attempt: 1,
				error: expect.objectContaining({ kind: "rate_limit", status: 429 }),
			}),
		]);
	});
});
