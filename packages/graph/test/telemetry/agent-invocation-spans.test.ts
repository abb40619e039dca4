// docs/observability.md, API.md "Memory, telemetry, MCP" (GenAI semantic conventions): the run of an agent
// is an agent invocation span, `invoke_agent {gen_ai.agent.name}` with `gen_ai.operation.name` =
// `invoke_agent`, as the conventions' "invoke agent internal span" says; a plain graph's run stays
// `weft.run {graph}` (decision 0131).

import { HumanMessage } from "@langchain/core/messages";
import { SpanKind } from "@opentelemetry/api";
import {
	isWeftError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import {
	AgentState,
	createAgent,
	createSupervisor,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { addThenAnswer, makeTools } from "../llm/fixtures.ts";
import { one, parentOf, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());
afterEach(() => otel.reset());

const ask = { messages: [new HumanMessage("What is 1 + 2?")] };

describe("agent invocation spans", () => {
	it("a createAgent run is `invoke_agent {name}` with the GenAI agent attributes, Weft's kept", async () => {
		const { add } = makeTools();
		const agent = createAgent({
			model: addThenAnswer(),
			tools: [add],
			checkpointer: new MemoryCheckpointer(),
			name: "calc",
		});
		await agent.run(ask, { threadId: "t1" });
		const spans = otel.spans();
		expect(spans.some((s) => s.name.startsWith("weft.run"))).toBe(false);
		const run = one(spans, "invoke_agent calc");
		expect(run.kind).toBe(SpanKind.INTERNAL);
		expect(run.attributes).toMatchObject({
			"gen_ai.operation.name": "invoke_agent",
			"gen_ai.agent.name": "calc",
			"gen_ai.conversation.id": "t1",
			"gen_ai.provider.name": "scripted",
			"gen_ai.request.model": "gpt-test",
			"gen_ai.usage.input_tokens": 32,
			"gen_ai.usage.output_tokens": 11,
			"weft.graph": "calc",
			"weft.thread_id": "t1",
			"weft.run.status": "done",
		});
		for (const s of spans.filter((s) => s.name === "weft.step"))
			expect(parentOf(s)).toBe(run.spanContext().spanId);
	});

	it("an agent without a name is `invoke_agent`, without gen_ai.agent.name", async () => {
		await createAgent({ model: new ScriptedChatModel(["hi"]) }).run(ask);
		const run = one(otel.spans(), "invoke_agent");
		expect(run.attributes["gen_ai.operation.name"]).toBe("invoke_agent");
		expect(run.attributes["gen_ai.agent.name"]).toBeUndefined();
	});

	it("a plain graph's run span is unchanged; compile({ agent }) makes any graph an agent, with its id", async () => {
		const build = (agent?: { name: string; id: string; description: string }) =>
			new StateGraph(AgentState)
				.addNode("echo", () => ({}))
				.addEdge(START, "echo")
				.compile({ name: "g", ...(agent === undefined ? {} : { agent }) });
		await build().run(ask);
		const plain = one(otel.spans(), "weft.run g");
		expect(plain.attributes["gen_ai.operation.name"]).toBeUndefined();
		otel.reset();
		await build({ name: "echoer", id: "agt_1", description: "echoes" }).run(
			ask,
		);
		expect(one(otel.spans(), "invoke_agent echoer").attributes).toMatchObject({
			"gen_ai.operation.name": "invoke_agent",
			"gen_ai.agent.name": "echoer",
			"gen_ai.agent.id": "agt_1",
			"gen_ai.agent.description": "echoes",
			"weft.graph": "g",
		});
	});

	it("a bad agent option is CONFIG_INVALID naming the field", () => {
		let error: unknown;
		try {
			new StateGraph(AgentState)
				.addNode("echo", () => ({}))
				.addEdge(START, "echo")
				.compile({ agent: { name: 42 as unknown as string } });
		} catch (e) {
			error = e;
		}
		expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
		expect((error as Error).message).toContain("agent.name");
	});

	for (const history of ["shared", "private"] as const) {
		it(`a supervisor is \`invoke_agent {name}\`, and each agent it hands work to nests as one (${history})`, async () => {
			const researcher = createAgent({
				model: new ScriptedChatModel(["The Nile is 6,650 km."]),
				name: "researcher",
			});
			// not made by createAgent: the supervisor names it by its key
			const echo = new StateGraph(AgentState)
				.addNode("echo", () => ({}))
				.addEdge(START, "echo")
				.compile({ name: "echo-graph" });
			let turn = 0;
			const team = createSupervisor({
				agents: { researcher, writer: echo },
				route: () => ["researcher", "writer", "__end__"][turn++]!,
				descriptions: { writer: "writes" },
				history,
				checkpointer: new MemoryCheckpointer(),
				name: "team",
			});
			await team.run(ask, { threadId: `s-${history}` });
			const spans = otel.spans();
			const root = one(spans, "invoke_agent team");
			expect(root.attributes).toMatchObject({
				"gen_ai.operation.name": "invoke_agent",
				"gen_ai.agent.name": "team",
				"gen_ai.conversation.id": `s-${history}`,
			});
			const inner = one(spans, "invoke_agent researcher");
			expect(parentOf(inner)).toBe(
				one(spans, "weft.node researcher").spanContext().spanId,
			);
			expect(inner.attributes).toMatchObject({
				"gen_ai.agent.name": "researcher",
				"weft.ns": "researcher",
			});
			const writer = one(spans, "invoke_agent writer");
			expect(writer.attributes).toMatchObject({
				"gen_ai.agent.name": "writer",
				"gen_ai.agent.description": "writes",
				"weft.graph": "echo-graph",
			});
			expect(parentOf(writer)).toBe(
				one(spans, "weft.node writer").spanContext().spanId,
			);
			expect(spans.some((s) => s.name.startsWith("weft.run"))).toBe(false);
		});
	}
});
