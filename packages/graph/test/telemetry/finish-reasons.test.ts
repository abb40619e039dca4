// A model call's finish reason, as the GenAI conventions want it: each captured output message carries
// `finish_reason` (required by the output messages' schema) and the span `gen_ai.response.finish_reasons`,
// both in the conventions' values (stop, length, tool_call, content_filter, error) whatever the provider
// called it; a value with no equivalent is kept as the provider gave it.
import { HumanMessage } from "@langchain/core/messages";
import {
	configureTelemetry,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import {
	llmNode,
	messages,
	ScriptedChatModel,
	type ScriptedMessage,
} from "@weft/graph/llm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { one, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());
afterEach(() => {
	otel.reset();
	configureTelemetry({ captureContent: false });
});

const State = z.object({ messages: messages() });

/** One model turn answering `reply`; the `chat` span it made. */
async function chatSpan(reply: ScriptedMessage, stream: boolean) {
	const model = new ScriptedChatModel({ model: "m", replies: [reply] });
	const graph = new StateGraph(State)
		.addNode("llm", llmNode({ model, stream }))
		.addEdge(START, "llm")
		.compile({ checkpointer: new MemoryCheckpointer(), name: "g" });
	await graph.run(
		{ messages: [new HumanMessage("hi")] },
		{ threadId: `t-${Math.random()}` },
	);
	return one(otel.spans(), "chat m");
}

const calls = [{ name: "add", args: { a: 1, b: 2 } }];

describe.each([
	["invoked", false],
	["streamed", true],
])("the finish reason of a %s call", (_how, stream) => {
	it.each([
		// OpenAI (and Mistral, Groq, …): finish_reason
		["stop → stop", { finish_reason: "stop" }, undefined, "stop"],
		[
			"tool_calls → tool_call",
			{ finish_reason: "tool_calls" },
			calls,
			"tool_call",
		],
		["length → length", { finish_reason: "length" }, undefined, "length"],
		[
			"content_filter → content_filter",
			{ finish_reason: "content_filter" },
			undefined,
			"content_filter",
		],
		// Anthropic: stop_reason
		["end_turn → stop", { stop_reason: "end_turn" }, undefined, "stop"],
		[
			"stop_sequence → stop",
			{ stop_reason: "stop_sequence" },
			undefined,
			"stop",
		],
		["tool_use → tool_call", { stop_reason: "tool_use" }, calls, "tool_call"],
		["max_tokens → length", { stop_reason: "max_tokens" }, undefined, "length"],
		[
			"refusal → content_filter",
			{ stop_reason: "refusal" },
			undefined,
			"content_filter",
		],
		// Google: finishReason, upper case
		[
			"MAX_TOKENS → length",
			{ finishReason: "MAX_TOKENS" },
			undefined,
			"length",
		],
		[
			"SAFETY → content_filter",
			{ finishReason: "SAFETY" },
			undefined,
			"content_filter",
		],
		// Bedrock Converse: stopReason
		[
			"guardrail_intervened → content_filter",
			{ stopReason: "guardrail_intervened" },
			undefined,
			"content_filter",
		],
		// Ollama: done_reason
		["done_reason stop → stop", { done_reason: "stop" }, undefined, "stop"],
		// no equivalent: kept as given
		[
			"pause_turn → pause_turn",
			{ stop_reason: "pause_turn" },
			undefined,
			"pause_turn",
		],
		// none given: the answer says (tool calls asked, else a stop)
		["none, with tool calls → tool_call", {}, calls, "tool_call"],
		["none, text → stop", {}, undefined, "stop"],
	] as const)(
		"%s, on the output message and the span",
		async (_raw, metadata, toolCalls, want) => {
			configureTelemetry({ captureContent: true });
			const span = await chatSpan(
				{
					content: "ok",
					responseMetadata: { ...metadata },
					...(toolCalls === undefined ? {} : { toolCalls: [...toolCalls] }),
				},
				stream,
			);
			expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual([want]);
			const output = JSON.parse(
				span.attributes["gen_ai.output.messages"] as string,
			) as Array<Record<string, unknown>>;
			expect(output).toHaveLength(1);
			expect(output[0]).toMatchObject({
				role: "assistant",
				finish_reason: want,
			});
		},
	);
});

describe("without content capture", () => {
	it("the span still has gen_ai.response.finish_reasons, and no output messages", async () => {
		const span = await chatSpan(
			{ content: "ok", responseMetadata: { stop_reason: "max_tokens" } },
			false,
		);
		expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual([
			"length",
		]);
		expect(span.attributes["gen_ai.output.messages"]).toBeUndefined();
	});
});
