import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { Command, MemoryCheckpointer } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { makeTools } from "./fixtures.ts";

function setup() {
	const tools = makeTools();
	const model = new ScriptedChatModel([
		{
			toolCalls: [
				{ name: "add", args: { a: 1, b: 2 }, id: "add1" },
				{
					name: "send_email",
					args: { to: "bob@example.com", body: "3" },
					id: "mail1",
				},
			],
		},
		"All done.",
	]);
	const agent = createAgent({
		model,
		tools: [tools.add, tools.sendEmail],
		approve: ["send_email"],
		checkpointer: new MemoryCheckpointer(),
	});
	return { agent, model, calls: tools.calls };
}

const input = { messages: [new HumanMessage("add and mail")] };
const toolAnswers = (list: unknown[]) =>
	list.filter((m): m is ToolMessage => ToolMessage.isInstance(m));

describe("createAgent approvals", () => {
	it("pauses before a gated tool with the tool calls in the request; approve runs it once", async () => {
		const { agent, model, calls } = setup();
		const paused = await agent.run(input, { threadId: "t" });
		expect(paused.status).toBe("interrupted");
		expect(paused.interrupts[0]?.value).toEqual({
			human: "approve",
			request: {
				toolCalls: [
					{
						id: "mail1",
						name: "send_email",
						args: { to: "bob@example.com", body: "3" },
					},
				],
			},
		});
		expect(calls).toMatchObject({ add: 0, send_email: 0 });
		const done = await agent.run(
			new Command({ resume: { action: "approve" } }),
			{ threadId: "t" },
		);
		expect(done.status).toBe("done");
		expect(
			toolAnswers(done.values.messages).map((m) => [m.tool_call_id, m.status]),
		).toEqual([
			["add1", "success"],
			["mail1", "success"],
		]);
		expect(done.values.messages.at(-1)?.content).toBe("All done.");
		// one model call before the pause, one after: resuming repeated neither a model call nor a tool
		expect(model.calls).toHaveLength(2);
		expect(calls).toMatchObject({ add: 1, send_email: 1 });
	});

	it("a rejected call is answered with a ToolMessage saying so, and the model goes on", async () => {
		const { agent, model, calls } = setup();
		await agent.run(input, { threadId: "t" });
		const done = await agent.run(
			new Command({ resume: { action: "reject", reason: "not today" } }),
			{
				threadId: "t",
			},
		);
		const answers = toolAnswers(done.values.messages);
		expect(answers.map((m) => [m.tool_call_id, m.status])).toEqual([
			["mail1", "error"],
			["add1", "success"],
		]);
		expect(answers[0]?.content).toBe(
			`The user rejected this call to "send_email": not today. It was not run.`,
		);
		expect(calls).toMatchObject({ add: 1, send_email: 0 });
		expect(model.calls).toHaveLength(2);
		// the model saw every call answered
		const seen = model.calls[1]!.messages.filter((m) =>
			ToolMessage.isInstance(m),
		);
		expect(seen).toHaveLength(2);
	});

	it("an edit replaces the arguments in the AI message before the tool runs", async () => {
		const { agent, calls } = setup();
		await agent.run(input, { threadId: "t" });
		const done = await agent.run(
			new Command({
				resume: {
					action: "edit",
					args: { to: "alice@example.com", body: "three" },
				},
			}),
			{ threadId: "t" },
		);
		const ai = done.values.messages.find(
			(m): m is AIMessage => AIMessage.isInstance(m) && !!m.tool_calls?.length,
		);
		expect(ai?.tool_calls?.find((c) => c.id === "mail1")?.args).toEqual({
			to: "alice@example.com",
			body: "three",
		});
		expect(
			done.values.messages.filter(
				(m) => AIMessage.isInstance(m) && !!m.tool_calls?.length,
			),
		).toHaveLength(1);
		expect(
			toolAnswers(done.values.messages).find((m) => m.tool_call_id === "mail1")
				?.content,
		).toBe("sent to alice@example.com: three");
		expect(calls.send_email).toBe(1);
	});

	it("rejects a bad answer with ValidationError and stays paused with nothing lost", async () => {
		const { agent, model, calls } = setup();
		await agent.run(input, { threadId: "t" });
		await expect(
			agent.run(new Command({ resume: { action: "maybe" } }), {
				threadId: "t",
			}),
		).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
		});
		// edited arguments are checked against the tool's schema
		await expect(
			agent.run(
				new Command({
					resume: { action: "edit", args: { to: "not-an-email", body: "x" } },
				}),
				{
					threadId: "t",
				},
			),
		).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
		await expect(
			agent.run(
				new Command({ resume: { byId: { other: { action: "approve" } } } }),
				{ threadId: "t" },
			),
		).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
		expect((await agent.getState({ threadId: "t" })).interrupts).toHaveLength(
			1,
		);
		const done = await agent.run(
			new Command({ resume: { byId: { mail1: { action: "approve" } } } }),
			{
				threadId: "t",
			},
		);
		expect(done.status).toBe("done");
		expect(model.calls).toHaveLength(2);
		expect(calls).toMatchObject({ add: 1, send_email: 1 });
	});

	it("refuses an approve list naming tools the agent lacks", () => {
		const { add } = makeTools();
		expect(() =>
			createAgent({
				model: new ScriptedChatModel([]),
				tools: [add],
				approve: ["nope"],
			}),
		).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
	});
});
