// Outside check (7 Dec): a router's side calls (its summariser's, a guard classifier's) had no span of their
// own, while every model call of a graph has its `chat` span and every tool call its `execute_tool` span: a
// trace showed a slow `chat` span with nothing under it for them (decision 0255).
import {
	AIMessage,
	HumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
	BasicTracerProvider,
	InMemorySpanExporter,
	type ReadableSpan,
	SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { blockedTopicsGuard, ModelError, ModelRouter } from "@weft/models";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
	spanProcessors: [new SimpleSpanProcessor(exporter)],
});
beforeAll(() => {
	context.setGlobalContextManager(
		new AsyncLocalStorageContextManager().enable(),
	);
	trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
	await provider.shutdown();
	trace.disable();
	context.disable();
});
beforeEach(() => exporter.reset());

const history = [
	new SystemMessage("sys"),
	new HumanMessage("a ".repeat(100)),
	new AIMessage("b ".repeat(100)),
	new HumanMessage("a pasta recipe?"),
];

const named = (name: string) => {
	const found = exporter.getFinishedSpans().filter((s) => s.name === name);
	if (found.length !== 1)
		throw new Error(
			`${found.length} spans "${name}" in ${exporter
				.getFinishedSpans()
				.map((s) => s.name)
				.join(", ")}`,
		);
	return found[0]!;
};
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

function router(summariser: ScriptedChatModel, retries = 2) {
	const classifier = new ScriptedChatModel({
		model: "classifier-model",
		replies: [{ content: "NONE", usage: { input: 20, output: 1 } }],
	});
	return new ModelRouter({
		models: {
			llm: new ScriptedChatModel({
				model: "llm",
				replies: ["ok"],
				repeatLast: true,
			}),
		},
		retry: { maxRetries: retries, initialDelayMs: 1, maxDelayMs: 1 },
		context: { maxTokens: 30, summarize: { model: summariser } },
		guards: [blockedTopicsGuard({ topics: ["politics"], classifier })],
	});
}

describe("a router's side calls", () => {
	it("each have a chat span under the model call's, with the GenAI attributes of a chat span", async () => {
		const summariser = new ScriptedChatModel({
			model: "sum-model",
			replies: [
				{ fail: "server", status: 503 },
				{ content: "summary", usage: { input: 50, output: 5 } },
			],
		});
		const agent = createAgent({
			model: router(summariser),
			checkpointer: new MemoryCheckpointer(),
		});
		await agent.run({ messages: history }, { threadId: "t-side" });
		const chat = exporter
			.getFinishedSpans()
			.find(
				(s) =>
					s.attributes["weft.node"] === "agent" && s.name.startsWith("chat "),
			)!;
		expect(chat).toBeDefined();
		const summary = named("chat sum-model");
		const guard = named("chat classifier-model");
		for (const side of [summary, guard]) {
			expect(parentOf(side)).toBe(chat.spanContext().spanId);
			expect(side.kind).toBe(2); // client, as the chat span
			expect(side.status.code).toBe(1);
			expect(side.attributes).toMatchObject({
				"gen_ai.operation.name": "chat",
				"gen_ai.provider.name": expect.any(String),
				"gen_ai.conversation.id": "t-side",
				"weft.thread_id": "t-side",
			});
		}
		expect(summary.attributes).toMatchObject({
			"gen_ai.request.model": "sum-model",
			"gen_ai.response.model": "sum-model",
			"gen_ai.usage.input_tokens": 50,
			"gen_ai.usage.output_tokens": 5,
			"weft.model.side_call": "context.summarize",
			"weft.model.attempts": 2,
		});
		// its retry is on its own span
		expect(summary.events.map((e) => e.name)).toEqual(["weft.model.retry"]);
		expect(guard.attributes).toMatchObject({
			"gen_ai.request.model": "classifier-model",
			"gen_ai.usage.input_tokens": 20,
			"gen_ai.usage.output_tokens": 1,
			"weft.model.side_call": "guard.blocked-topics",
			"weft.model.attempts": 1,
		});
	});

	it("a failed side call's span has its error", async () => {
		const summariser = new ScriptedChatModel({
			model: "sum-model",
			replies: [{ fail: "server", status: 503 }],
			repeatLast: true,
		});
		const error = await router(summariser, 1)
			.invoke(history)
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ModelError);
		const span = named("chat sum-model");
		expect(span.status.code).toBe(2);
		expect(span.attributes).toMatchObject({
			"error.type": "MODEL_UNAVAILABLE",
			"weft.error.code": "MODEL_UNAVAILABLE",
			"weft.model.attempts": 2,
		});
		expect(span.events.map((e) => e.name)).toContain("exception");
	});
});
