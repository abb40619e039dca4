import { HumanMessage, isAIMessage } from "@langchain/core/messages";
import { END, MemoryCheckpointer } from "@weft/graph";
import {
	createAgent,
	createSupervisor,
	handoffTool,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { describe, expect, it } from "vitest";

const said = (
	list: { name?: string | undefined; content: unknown; getType(): string }[],
) =>
	list
		.filter((m) => m.getType() === "ai" && m.content !== "")
		.map((m) => `${m.name}: ${m.content}`);

function team(
	history: "shared" | "private",
	more: Partial<Parameters<typeof createSupervisor>[0]> = {},
) {
	const boss = new ScriptedChatModel([
		{
			toolCalls: [
				{
					name: "transfer_to_researcher",
					args: { message: "find the river's length" },
				},
			],
		},
		"The Nile is 6,650 km long.",
	]);
	const researcherModel = new ScriptedChatModel([
		{
			toolCalls: [
				{ name: "transfer_to_writer", args: { message: "write: 6,650 km" } },
			],
			usage: { input: 7, output: 3 },
		},
	]);
	const writerModel = new ScriptedChatModel(["Draft: 6,650 km."]);
	const researcher = createAgent({
		model: researcherModel,
		tools: [handoffTool("writer")],
		name: "researcher",
	});
	const writer = createAgent({ model: writerModel, tools: [], name: "writer" });
	const graph = createSupervisor({
		model: boss,
		agents: { researcher, writer },
		descriptions: { researcher: "finds facts", writer: "writes" },
		history,
		checkpointer: new MemoryCheckpointer(),
		...more,
	});
	return { graph, boss, researcherModel, writerModel };
}

describe("createSupervisor", () => {
	it("routes by handoff tools; an agent hands off to another; control returns to the supervisor", async () => {
		const { graph, boss, researcherModel, writerModel } = team("shared");
		const result = await graph.run(
			{ messages: [new HumanMessage("How long is the Nile?")] },
			{ threadId: "s" },
		);
		expect(result.status).toBe("done");
		expect(said(result.values.messages)).toEqual([
			"writer: Draft: 6,650 km.",
			"supervisor: The Nile is 6,650 km long.",
		]);
		expect(boss.calls[0]?.tools).toEqual([
			"transfer_to_researcher",
			"transfer_to_writer",
		]);
		expect(boss.calls[0]?.messages[0]?.content).toMatch(
			/researcher: finds facts/,
		);
		// shared history: the writer saw the user's question and the researcher's handoff
		const writerSaw = writerModel.calls[0]!.messages.map((m) => m.getType());
		expect(writerSaw).toEqual(["human", "ai", "tool", "ai", "tool"]);
		expect(researcherModel.calls).toHaveLength(1);
		// every tool call in the shared conversation has its answer
		const callIds = result.values.messages.flatMap((m) =>
			isAIMessage(m) ? (m.tool_calls ?? []).map((c) => c.id) : [],
		);
		const answered = result.values.messages.flatMap((m) =>
			m.getType() === "tool"
				? [(m as unknown as { tool_call_id: string }).tool_call_id]
				: [],
		);
		expect(answered.sort()).toEqual(callIds.sort());
		expect(result.usage.inputTokens).toBeGreaterThanOrEqual(7);
		expect(result.usage.byNode.researcher?.inputTokens).toBe(7);
	});

	it("keeps private histories: an agent sees only its task, the others only its result", async () => {
		const { graph, writerModel, researcherModel } = team("private");
		const result = await graph.run(
			{ messages: [new HumanMessage("How long is the Nile?")] },
			{ threadId: "p" },
		);
		expect(result.status).toBe("done");
		expect(researcherModel.calls[0]?.messages.map((m) => m.content)).toEqual([
			"find the river's length",
		]);
		expect(writerModel.calls[0]?.messages.map((m) => m.content)).toEqual([
			"write: 6,650 km",
		]);
		expect(said(result.values.messages)).toEqual([
			"writer: Draft: 6,650 km.",
			"supervisor: The Nile is 6,650 km long.",
		]);
		expect(Object.keys(result.values.histories).sort()).toEqual([
			"researcher",
			"writer",
		]);
		expect(result.values.histories.writer?.map((m) => m.getType())).toEqual([
			"human",
			"ai",
		]);
		expect(result.usage.byModel.scripted?.inputTokens).toBeGreaterThanOrEqual(
			7,
		);
	});

	it("routes with a function instead of a model", async () => {
		const helper = createAgent({
			model: new ScriptedChatModel(["hi from helper"]),
			tools: [],
			name: "helper",
		});
		const graph = createSupervisor({
			agents: { helper },
			route: (s) =>
				s.messages.some((m) => m.name === "helper") ? END : "helper",
		});
		const out = await graph.invoke({ messages: [new HumanMessage("hello")] });
		expect(said(out.messages)).toEqual(["helper: hi from helper"]);
	});

	it("rejects bad configurations", () => {
		const helper = createAgent({ model: new ScriptedChatModel([]), tools: [] });
		expect(() => createSupervisor({ agents: {}, route: () => END })).toThrow(
			expect.objectContaining({ code: "CONFIG_INVALID" }),
		);
		expect(() =>
			createSupervisor({ agents: { supervisor: helper }, route: () => END }),
		).toThrow(/reserved/);
		expect(() => createSupervisor({ agents: { helper } })).toThrow(
			/exactly one of model or route/,
		);
	});

	it("pauses before and after the agents named (interruptBefore/After), and goes on from there; unknown names are refused", async () => {
		const { graph, writerModel } = team("shared", {
			interruptBefore: ["writer"],
			interruptAfter: ["researcher"],
		});
		const input = { messages: [new HumanMessage("How long is the Nile?")] };
		const first = await graph.run(input, { threadId: "p" });
		expect(first.status).toBe("interrupted");
		expect((await graph.getState({ threadId: "p" })).next).toEqual(["writer"]);
		expect(writerModel.calls.length).toBe(0);
		// after the researcher: it handed off to the writer, before whom the run pauses again
		const second = await graph.run(null, { threadId: "p" });
		expect(second.status).toBe("interrupted");
		expect(writerModel.calls.length).toBe(0);
		const done = await graph.run(null, { threadId: "p" });
		expect(done.status).toBe("done");
		expect(writerModel.calls.length).toBe(1);
		expect(() => team("shared", { interruptBefore: ["editor"] })).toThrow(
			/editor/,
		);
	});

	it("refuses two agent keys that give one handoff tool name, naming both (decision 0228)", () => {
		const agent = () => createAgent({ model: new ScriptedChatModel([]) });
		expect(() =>
			createSupervisor({
				model: new ScriptedChatModel([]),
				agents: { "sales team": agent(), sales_team: agent() },
			}),
		).toThrow(
			expect.objectContaining({
				code: "CONFIG_INVALID",
				message: expect.stringMatching(
					/"sales team" and "sales_team".*transfer_to_sales_team/,
				),
				hint: expect.stringMatching(/rename/),
			}),
		);
		// a routing function calls no tools: the keys do not clash
		expect(() =>
			createSupervisor({
				route: () => END,
				agents: { "sales team": agent(), sales_team: agent() },
			}),
		).not.toThrow();
	});

	it("an agent's second handoff in one answer is refused, and the first is made (decision 0228)", async () => {
		const a = createAgent({
			model: new ScriptedChatModel([
				{
					toolCalls: [
						{ name: "transfer_to_b", args: {} },
						{ name: "transfer_to_c", args: {} },
					],
				},
			]),
			tools: [handoffTool("b"), handoffTool("c")],
			name: "a",
		});
		const b = createAgent({
			model: new ScriptedChatModel(["b answered"]),
			name: "b",
		});
		const cModel = new ScriptedChatModel(["c answered"]);
		const c = createAgent({ model: cModel, name: "c" });
		const result = await createSupervisor({
			model: new ScriptedChatModel([
				{ toolCalls: [{ name: "transfer_to_a", args: {} }] },
				"end",
			]),
			agents: { a, b, c },
		}).run({ messages: [new HumanMessage("go")] });
		const tools = result.values.messages.filter(
			(m) => m.getType() === "tool" && m.name !== "transfer_to_a",
		);
		expect(
			tools.map((m) => [
				m.name,
				m.content,
				(m as never as { status: string }).status,
			]),
		).toEqual([
			["transfer_to_b", "Transferred to b.", "success"],
			[
				"transfer_to_c",
				expect.stringMatching(/only one handoff at a time/),
				"error",
			],
		]);
		expect(said(result.values.messages)).toContain("b: b answered");
		expect(cModel.calls).toHaveLength(0);
	});
});
