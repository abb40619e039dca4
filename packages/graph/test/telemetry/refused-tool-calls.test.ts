// A tool call refused before it runs (unknown tool, invalid or malformed arguments, not allowed, missing
// scopes) is still a tool call: it gets an `execute_tool` span with its error and the callbacks' tool
// start and error events, as a tool that threw does; the ToolMessage the model sees is unchanged.
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { AIMessage, ToolMessage } from "@langchain/core/messages";
import { SpanStatusCode } from "@opentelemetry/api";
import { END, START, StateGraph } from "@weft/graph";
import {
	messages,
	toolNode,
	toolsCondition,
	withScopes,
} from "@weft/graph/llm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { makeTools } from "../llm/fixtures.ts";
import { one, parentOf, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());
afterEach(() => otel.reset());

class Recorder extends BaseCallbackHandler {
	name = "recorder";
	override awaitHandlers = true;
	events: string[] = [];
	override async handleToolStart(
		_tool: unknown,
		_input: string,
		_runId: string,
		_parent?: string,
		_tags?: string[],
		_metadata?: Record<string, unknown>,
		runName?: string,
		toolCallId?: string,
	) {
		this.events.push(`start ${runName} ${toolCallId}`);
	}
	override async handleToolEnd() {
		this.events.push("end");
	}
	override async handleToolError(error: Error) {
		this.events.push(`error ${error.message}`);
	}
}

describe("tool calls refused before they run", () => {
	it("get an execute_tool span with error.type and the callbacks' start and error, the ToolMessage as before", async () => {
		const { add, fail, sendEmail } = makeTools();
		const ai = new AIMessage({
			content: "",
			tool_calls: [
				{ name: "nope", args: {}, id: "unknown", type: "tool_call" },
				{ name: "add", args: { a: "x" }, id: "invalid", type: "tool_call" },
				{ name: "fail", args: {}, id: "disallowed", type: "tool_call" },
				{ name: "send_email", args: {}, id: "scopes", type: "tool_call" },
				{ name: "add", args: { a: 1, b: 2 }, id: "good", type: "tool_call" },
			],
			invalid_tool_calls: [
				{
					name: "add",
					args: "{a: 1",
					id: "malformed",
					error: "bad json",
					type: "invalid_tool_call",
				},
			],
		});
		const graph = new StateGraph(z.object({ messages: messages() }))
			.addNode("model", () => ({ messages: ai }))
			.addNode(
				"tools",
				toolNode([add, fail, withScopes(sendEmail, ["mail:send"])], {
					allow: ["add", "send_email"],
				}),
			)
			.addEdge(START, "model")
			.addConditionalEdges("model", toolsCondition)
			.addEdge("tools", END)
			.compile();
		const recorder = new Recorder();
		const out = await graph.invoke({ messages: [] }, { callbacks: [recorder] });
		const answers = out.messages.filter((m) => ToolMessage.isInstance(m));
		expect(answers.map((m) => [m.tool_call_id, m.status])).toEqual([
			["unknown", "error"],
			["invalid", "error"],
			["disallowed", "error"],
			["scopes", "error"],
			["good", "success"],
			["malformed", "error"],
		]);
		expect(answers[0]?.content).toBe('Error: there is no tool named "nope"');

		const spans = otel.spans();
		const node = one(spans, "weft.node tools").spanContext().spanId;
		const kinds: Record<string, string> = {
			unknown: "UNKNOWN_TOOL",
			invalid: "INVALID_ARGUMENTS",
			disallowed: "TOOL_NOT_ALLOWED",
			scopes: "MISSING_SCOPES",
			malformed: "MALFORMED_ARGUMENTS",
		};
		for (const [id, kind] of Object.entries(kinds)) {
			const span = spans.find(
				(s) => s.attributes["gen_ai.tool.call.id"] === id,
			);
			expect(span, id).toBeDefined();
			const answer = answers.find((m) => m.tool_call_id === id)!;
			expect(span!.name).toBe(`execute_tool ${answer.name}`);
			expect(span!.status.code, id).toBe(SpanStatusCode.ERROR);
			expect(span!.status.message).toBe(answer.text);
			expect(span!.attributes["error.type"], id).toBe(kind);
			expect(span!.attributes["gen_ai.operation.name"]).toBe("execute_tool");
			expect(parentOf(span!)).toBe(node);
		}
		const good = spans.find(
			(s) => s.attributes["gen_ai.tool.call.id"] === "good",
		);
		expect(good?.status.code).toBe(SpanStatusCode.OK);

		for (const id of Object.keys(kinds)) {
			const at = recorder.events.findIndex((e) => e.endsWith(` ${id}`));
			expect(at, id).toBeGreaterThanOrEqual(0);
		}
		expect(recorder.events.filter((e) => e.startsWith("start"))).toHaveLength(
			6,
		);
		expect(recorder.events.filter((e) => e.startsWith("error"))).toHaveLength(
			5,
		);
		expect(recorder.events).toContain('error there is no tool named "nope"');
	});
});
