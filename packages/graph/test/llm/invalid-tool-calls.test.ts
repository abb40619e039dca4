// Outside check (7 Dec): a tool call whose arguments a provider's parser could not read lands in
// `invalid_tool_calls`. The agent answers it with an error ToolMessage (so the model can correct itself),
// but providers build the assistant turn from `tool_calls` alone (OpenAI-style converters send
// `additional_kwargs.tool_calls` only when `tool_calls` is empty): beside a valid call, the answer to the
// invalid one reached the provider answering no call, a 400. And an AI message whose invalid call has no
// answer (a graph routing on `tool_calls.length` as LangGraph's prebuilt agent does) was sent as it was.
// The model call now sends an answered invalid call as a call (arguments {}) and refuses an unanswered
// one, as it refuses an unanswered valid call (decision 0244, amended by 0255).
import {
	type AIMessage,
	type BaseMessage,
	HumanMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { END, MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import {
	createAgent,
	llmNode,
	messages,
	type ScriptedCall,
	ScriptedChatModel,
	toolNode,
} from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const ran: string[] = [];
const search = tool(
	async ({ q }) => {
		ran.push(q);
		return `found ${q}`;
	},
	{
		name: "search",
		description: "search",
		schema: z.object({ q: z.string() }),
	},
);

/**
 * What an OpenAI-style provider checks of the messages it gets, the assistant turn built from `tool_calls`:
 * every ToolMessage answers a call of the AI message before it, and every call there is answered.
 */
function providerRefusal(list: readonly BaseMessage[]): string | undefined {
	let open = new Set<string>();
	for (const m of list) {
		if (m.getType() === "ai") {
			if (open.size > 0) return `calls ${[...open].join(", ")} unanswered`;
			open = new Set(((m as AIMessage).tool_calls ?? []).map((c) => c.id!));
		} else if (m.getType() === "tool") {
			const id = (m as ToolMessage).tool_call_id;
			if (!open.delete(id))
				return `a tool message answers "${id}", which no preceding tool_calls make`;
		} else if (open.size > 0) return `calls ${[...open].join(", ")} unanswered`;
	}
	return undefined;
}

/** A reply that fails as a provider does (a 400) when the messages do not pair, else answers `text`. */
const strict = (text: string) => (call: ScriptedCall) => {
	const refusal = providerRefusal(call.messages);
	if (refusal !== undefined)
		return { fail: "bad-request" as const, message: refusal };
	return text;
};

const lastTool = (list: readonly BaseMessage[]) =>
	list.filter((m) => ToolMessage.isInstance(m)) as ToolMessage[];

describe("an invalid tool call (arguments that do not parse)", () => {
	it.each([
		["beside a valid call", false],
		["beside a valid call, streamed", true],
	])(
		"is answered with an error the model can act on, and the next request pairs (%s)",
		async (_n, stream) => {
			ran.length = 0;
			const model = new ScriptedChatModel({
				replies: [
					{
						toolCalls: [{ name: "search", args: { q: "weft" }, id: "ok" }],
						malformedToolCalls: [
							{ name: "search", args: "q=weather", id: "bad" },
						],
					},
					strict("done"),
				],
			});
			const agent = createAgent({
				model,
				tools: [search],
				stream,
				checkpointer: new MemoryCheckpointer(),
			});
			const input = { messages: [new HumanMessage("go")] };
			const config = { threadId: `mixed-${stream}` };
			if (stream)
				for await (const _ of agent.stream(input, {
					...config,
					mode: ["messages"],
				}));
			const r = stream
				? { status: "done", values: (await agent.getState(config)).values }
				: await agent.run(input, config);
			expect(r.status).toBe("done");
			expect(model.calls.map((c) => c.streamed)).toEqual([stream, stream]);
			expect(ran).toEqual(["weft"]);
			const answers = lastTool(r.values.messages);
			expect(answers.find((m) => m.tool_call_id === "bad")).toMatchObject({
				status: "error",
				content: expect.stringMatching(/not valid JSON: q=weather/),
			});
			expect(r.values.messages.at(-1)!.content).toBe("done");
			// what the model got: the invalid call as a call of the AI message, paired with its error answer
			const sent = model.calls[1]!.messages[1] as AIMessage;
			expect(sent.tool_calls?.map((c) => [c.id, c.name, c.args])).toEqual([
				["ok", "search", { q: "weft" }],
				["bad", "search", {}],
			]);
			// the thread keeps the answer as the model gave it
			expect(
				(r.values.messages[1] as AIMessage).invalid_tool_calls?.map(
					(c) => c.id,
				),
			).toEqual(["bad"]);
		},
	);

	it("alone, is answered and the next request pairs", async () => {
		const model = new ScriptedChatModel({
			replies: [
				{ malformedToolCalls: [{ name: "search", args: "{q: 1", id: "bad" }] },
				strict("done"),
			],
		});
		const agent = createAgent({
			model,
			tools: [search],
			checkpointer: new MemoryCheckpointer(),
		});
		const r = await agent.run(
			{ messages: [new HumanMessage("go")] },
			{ threadId: "alone" },
		);
		expect(r.values.messages.map((m) => m.getType())).toEqual([
			"human",
			"ai",
			"tool",
			"ai",
		]);
		expect(r.values.messages.at(-1)!.content).toBe("done");
	});

	it("left unanswered by a graph routing on tool_calls alone, is refused before the next request, naming it", async () => {
		const model = new ScriptedChatModel({
			replies: [
				{ malformedToolCalls: [{ name: "search", args: "q=", id: "bad" }] },
				"sent anyway",
			],
		});
		const State = z.object({ messages: messages() });
		const graph = new StateGraph(State)
			.addNode("agent", llmNode({ model, tools: [search] }))
			.addNode("tools", toolNode([search]))
			.addEdge(START, "agent")
			// LangGraph's prebuilt condition: an answer with only invalid calls ends the run
			.addConditionalEdges(
				"agent",
				(s) =>
					((s.messages.at(-1) as AIMessage).tool_calls?.length ?? 0) > 0
						? "tools"
						: END,
				["tools", END],
			)
			.addEdge("tools", "agent")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await graph.run(
			{ messages: [new HumanMessage("go")] },
			{ threadId: "legacy" },
		);
		const error = await graph
			.invoke({ messages: [new HumanMessage("again")] }, { threadId: "legacy" })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({
			code: "VALIDATION_FAILED",
			message: expect.stringContaining('"bad"'),
		});
		expect(model.calls).toHaveLength(1);
	});
});
