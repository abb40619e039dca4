import {
	AIMessage,
	HumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import { ScriptedChatModel } from "@weft/graph/llm";
import {
	blockedTopicsGuard,
	ModelError,
	ModelRouter,
	summarizeMessages,
} from "@weft/models";
import { describe, expect, it } from "vitest";

// The router's side calls (the summariser's, a guard classifier's) under its retry policy, and their
// failures named as model errors (decision 0228).

const history = [
	new SystemMessage("sys"),
	new HumanMessage("a ".repeat(100)),
	new AIMessage("b ".repeat(100)),
	new HumanMessage("question?"),
];
const retry = { maxRetries: 3, initialDelayMs: 1 };

describe("the summariser's call", () => {
	it("is retried under the router's retry policy", async () => {
		const summariser = new ScriptedChatModel({
			replies: [{ fail: "server", status: 503 }, "summary"],
		});
		const llm = new ScriptedChatModel({ replies: ["answer"] });
		const router = new ModelRouter({
			models: { llm },
			retry,
			context: { maxTokens: 30, summarize: { model: summariser } },
		});
		const answer = await router.invoke(history);
		expect(answer.content).toBe("answer");
		expect(summariser.calls).toHaveLength(2);
		expect(String(llm.calls[0]!.messages[1]!.content)).toContain("summary");
	});

	it("fails as MODEL_UNAVAILABLE naming the summariser once its retries are spent, the main model not called", async () => {
		const summariser = new ScriptedChatModel({
			model: "gpt-4o-mini",
			replies: [
				{ fail: "server", status: 503 },
				{ fail: "server", status: 503 },
			],
		});
		const llm = new ScriptedChatModel({ replies: ["answer"] });
		const router = new ModelRouter({
			models: { llm },
			retry: { maxRetries: 1, initialDelayMs: 1 },
			context: { maxTokens: 30, summarize: { model: summariser } },
		});
		const error = await router.invoke(history).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ModelError);
		expect(error).toMatchObject({
			code: "MODEL_UNAVAILABLE",
			message: expect.stringMatching(/^the summariser model failed/),
			hint: expect.stringMatching(/the summariser model/),
			// each attempt names the model tried, as the retry events and the usage do (decision 0263)
			model: "gpt-4o-mini",
			attempts: [
				{ model: "gpt-4o-mini", status: 503 },
				{ model: "gpt-4o-mini", status: 503 },
			],
		});
		expect(summariser.calls).toHaveLength(2);
		expect(llm.calls).toHaveLength(0);
	});

	it("reads a summary in content blocks as their text", async () => {
		const summariser = new ScriptedChatModel({
			replies: [
				// an Anthropic-style answer in content blocks
				() =>
					({
						content: [{ type: "text", text: "User plans a trip." }],
					}) as never,
			],
		});
		const out = await summarizeMessages(history, {
			maxTokens: 30,
			model: summariser,
		});
		expect(out.summary).toBe("User plans a trip.");
	});

	it("refuses an empty summary: nothing is cut", async () => {
		const summariser = new ScriptedChatModel({ replies: ["  "] });
		await expect(
			summarizeMessages(history, { maxTokens: 30, model: summariser }),
		).rejects.toMatchObject({
			code: "MODEL_UNAVAILABLE",
			message: expect.stringMatching(/empty summary/),
			hint: expect.stringMatching(/summariser/),
		});
	});
});

describe("a guard's classifier call", () => {
	it("is retried under the router's retry policy", async () => {
		const classifier = new ScriptedChatModel({
			replies: [{ fail: "rate-limit", retryAfterSeconds: 0 }, "NONE"],
		});
		const llm = new ScriptedChatModel({ replies: ["answer"] });
		const router = new ModelRouter({
			models: { llm },
			retry,
			guards: [blockedTopicsGuard({ topics: ["politics"], classifier })],
		});
		expect((await router.invoke("a pasta recipe?")).content).toBe("answer");
		expect(classifier.calls).toHaveLength(2);
	});

	it("fails as a model error naming the guard, not GUARDRAIL_TRIPPED", async () => {
		const classifier = new ScriptedChatModel({
			replies: [{ fail: "rate-limit", retryAfterSeconds: 0 }],
		});
		const router = new ModelRouter({
			models: { llm: new ScriptedChatModel({ replies: ["answer"] }) },
			retry: { maxRetries: 0 },
			guards: [blockedTopicsGuard({ topics: ["politics"], classifier })],
		});
		await expect(router.invoke("a pasta recipe?")).rejects.toMatchObject({
			code: "MODEL_UNAVAILABLE",
			message: expect.stringContaining(
				'the classifier model of guard "blocked-topics" failed',
			),
			attempts: [{ kind: "rate_limit", status: 429 }],
		});
	});
});

describe("errorPolicy.decide", () => {
	it("that throws is CONFIG_INVALID with a hint, the thrown error as cause", async () => {
		const bug = new Error("bug in my decide()");
		const router = new ModelRouter({
			models: {
				a: new ScriptedChatModel({ replies: [{ fail: "server" }] }),
			},
			errorPolicy: {
				decide: () => {
					throw bug;
				},
			},
		});
		await expect(router.invoke("x")).rejects.toMatchObject({
			code: "CONFIG_INVALID",
			message: expect.stringMatching(
				/errorPolicy\.decide threw.*bug in my decide/,
			),
			hint: expect.stringMatching(/fix errorPolicy\.decide/),
			cause: bug,
		});
	});

	it("that returns something else than an action is CONFIG_INVALID", async () => {
		const router = new ModelRouter({
			models: {
				a: new ScriptedChatModel({ replies: [{ fail: "server" }] }),
			},
			errorPolicy: { decide: () => "retyr" as never },
		});
		await expect(router.invoke("x")).rejects.toMatchObject({
			code: "CONFIG_INVALID",
			message: expect.stringContaining('"retyr"'),
		});
	});
});
