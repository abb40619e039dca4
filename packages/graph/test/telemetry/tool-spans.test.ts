// Issue 13 (T1): a tool call's `execute_tool` span is ended by a promise chain (no async frame per call):
// it ends once, with the call's outcome, whether the tool answered, answered with an error message, or
// was stopped by the run's cancellation.
import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { SpanStatusCode } from "@opentelemetry/api";
import {
	END,
	MemoryCheckpointer,
	START,
	StateGraph,
	WeftError,
} from "@weft/graph";
import {
	createAgent,
	llmNode,
	messages,
	ScriptedChatModel,
	toolNode,
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

function agentCalling(name: string, args: Record<string, unknown>) {
	const { add, fail, slow } = makeTools();
	return createAgent({
		model: new ScriptedChatModel({
			model: "gpt-test",
			replies: [{ toolCalls: [{ name, args }] }, { content: "done" }],
		}),
		tools: [add, fail, slow],
		checkpointer: new MemoryCheckpointer(),
		name: "tools",
	});
}

const ask = { messages: [new HumanMessage("go")] };

describe("execute_tool spans", () => {
	it("a tool that answers: OK, under its node", async () => {
		await agentCalling("add", { a: 2, b: 3 }).run(ask, { threadId: "ok" });
		const spans = otel.spans();
		const tool = one(spans, "execute_tool add");
		expect(tool.ended).toBe(true);
		expect(tool.status.code).toBe(SpanStatusCode.OK);
		expect(parentOf(tool)).toBe(
			one(spans, "weft.node tools").spanContext().spanId,
		);
	});

	it("a tool that fails (the run goes on with an error message): ERROR, TOOL_ERROR", async () => {
		const r = await agentCalling("fail", {}).run(ask, { threadId: "fail" });
		expect(r.status).toBe("done");
		const tool = one(otel.spans(), "execute_tool fail");
		expect(tool.status.code).toBe(SpanStatusCode.ERROR);
		expect(tool.status.message).toContain("the service is down");
		expect(tool.attributes["error.type"]).toBe("TOOL_ERROR");
	});

	it("a tool that threw a WeftError (an MCP server's failure): TOOL_ERROR, and its code as weft.error.code", async () => {
		const mcpLike = tool(
			async () => {
				throw new WeftError(
					"MCP_TOOL_FAILED",
					'MCP tool "lookup" on server "kb" cannot be called: the server closed its connection',
				);
			},
			{ name: "lookup", description: "looks up", schema: z.object({}) },
		);
		const r = await createAgent({
			model: new ScriptedChatModel({
				model: "gpt-test",
				replies: [{ toolCalls: [{ name: "lookup", args: {} }] }, "sorry"],
			}),
			tools: [mcpLike],
			checkpointer: new MemoryCheckpointer(),
		}).run(ask, { threadId: "weft-error" });
		expect(r.status).toBe("done");
		const span = one(otel.spans(), "execute_tool lookup");
		expect(span.status.code).toBe(SpanStatusCode.ERROR);
		expect(span.attributes["error.type"]).toBe("TOOL_ERROR");
		expect(span.attributes["weft.error.code"]).toBe("MCP_TOOL_FAILED");
		// a plain Error has no Weft code
		await agentCalling("fail", {}).run(ask, { threadId: "plain" });
		const plain = one(otel.spans(), "execute_tool fail");
		expect(plain.attributes["weft.error.code"]).toBeUndefined();
	});

	it("a tool stopped by the run's cancellation: ended once, with the error", async () => {
		const stop = new AbortController();
		const running = agentCalling("slow", { ms: 2_000 }).run(ask, {
			threadId: "cancel",
			signal: stop.signal,
		});
		setTimeout(() => stop.abort(new Error("stop")), 50);
		await running.catch(() => undefined);
		const [tool, ...more] = otel
			.spans()
			.filter((s) => s.name === "execute_tool slow");
		expect(more).toHaveLength(0);
		expect(tool!.ended).toBe(true);
		expect(tool!.status.code).toBe(SpanStatusCode.ERROR);
		// as the node span of a task the run's cancellation stopped
		expect(tool!.attributes["error.type"]).toBe("Error");
		expect(tool!.attributes["weft.error.code"]).toBe("RUN_CANCELLED");
	});

	it("a tool stopped by a WeftError: error.type and weft.error.code are its code, as on node spans", async () => {
		// a tool that stops when its call's signal aborts, with the signal's reason (the node's timeout)
		const waits = tool(
			(_args, config) =>
				new Promise<string>((_resolve, reject) => {
					const signal = config.signal!;
					signal.addEventListener("abort", () => reject(signal.reason), {
						once: true,
					});
				}),
			{ name: "waits", description: "waits", schema: z.object({}) },
		);
		const graph = new StateGraph(z.object({ messages: messages() }))
			.addNode(
				"agent",
				llmNode({
					model: new ScriptedChatModel({
						model: "gpt-test",
						replies: [{ toolCalls: [{ name: "waits", args: {} }] }],
					}),
				}),
			)
			.addNode("tools", toolNode([waits]), { timeoutMs: 20 })
			.addEdge(START, "agent")
			.addEdge("agent", "tools")
			.addEdge("tools", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "timeout" });
		const error = await graph
			.run(ask, { threadId: "timeout" })
			.catch((e: unknown) => e);
		expect((error as { code?: string }).code).toBe("NODE_TIMEOUT");
		const spans = otel.spans();
		const call = one(spans, "execute_tool waits");
		const node = spans.find((s) => s.spanContext().spanId === parentOf(call))!;
		expect(node.name).toBe("weft.node tools");
		expect(node.attributes["error.type"]).toBe("NODE_TIMEOUT");
		expect(call.status.code).toBe(SpanStatusCode.ERROR);
		expect(call.attributes["error.type"]).toBe("NODE_TIMEOUT");
		expect(call.attributes["weft.error.code"]).toBe("NODE_TIMEOUT");
		expect(
			call.events.find((e) => e.name === "exception")?.attributes,
		).toMatchObject({
			"exception.type": "NODE_TIMEOUT",
		});
	});
});
