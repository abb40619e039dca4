// An edit of a tool call's arguments may only name arguments the tool declares: an unknown one would be
// dropped by the tool's schema, and the tool would run with the values the human meant to replace.
import { HumanMessage } from "@langchain/core/messages";
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { Command, MemoryCheckpointer, type ValidationError } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

function agentWith(schema: unknown) {
	const sent: unknown[] = [];
	// the schema as given (a zod object or a JSON schema): one fixture for both kinds
	const sendEmail = tool(
		async (args: unknown) => {
			sent.push(args);
			return "sent";
		},
		{ name: "send_email", description: "sends an email", schema } as never,
	) as unknown as StructuredToolInterface;
	const agent = createAgent({
		model: new ScriptedChatModel([
			{
				toolCalls: [
					{
						name: "send_email",
						args: { to: "bob@example.com", body: "Friday" },
						id: "mail1",
					},
				],
			},
			"All done.",
		]),
		tools: [sendEmail],
		approve: ["send_email"],
		checkpointer: new MemoryCheckpointer(),
	});
	return { agent, sent };
}

const input = { messages: [new HumanMessage("mail Bob")] };
const edit = (args: Record<string, unknown>) =>
	new Command({ resume: { action: "edit", args } });

async function refusal(run: Promise<unknown>): Promise<ValidationError> {
	const error = await run.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toMatchObject({ code: "VALIDATION_FAILED" });
	return error as ValidationError;
}

describe("an edit naming an argument the tool does not declare", () => {
	it("is refused for a zod object schema, naming the argument and the tool's arguments; the request stays pending", async () => {
		const { agent, sent } = agentWith(
			z.object({ to: z.string().email(), body: z.string() }),
		);
		await agent.run(input, { threadId: "t" });
		const error = await refusal(
			agent.run(
				edit({ to: "bob@example.com", body: "Friday", bdy: "Monday" }),
				{ threadId: "t" },
			),
		);
		expect(error.message).toContain('"bdy"');
		expect(error.message).toContain("to, body");
		expect(error.issues).toEqual([
			expect.objectContaining({ path: ["args", "bdy"] }),
		]);
		expect(sent).toEqual([]);
		expect((await agent.getState({ threadId: "t" })).interrupts).toHaveLength(
			1,
		);
		const done = await agent.run(
			edit({ to: "bob@example.com", body: "Monday" }),
			{
				threadId: "t",
			},
		);
		expect(done.status).toBe("done");
		expect(sent).toEqual([{ to: "bob@example.com", body: "Monday" }]);
	});

	it("is refused for a JSON schema, by its properties", async () => {
		const { agent, sent } = agentWith({
			type: "object",
			properties: { to: { type: "string" }, body: { type: "string" } },
			required: ["to", "body"],
		});
		await agent.run(input, { threadId: "t" });
		const error = await refusal(
			agent.run(edit({ to: "bob@example.com", bdy: "Monday", cc: "ann" }), {
				threadId: "t",
			}),
		);
		expect(error.message).toContain('"bdy", "cc"');
		expect(error.message).toContain("to, body");
		expect(sent).toEqual([]);
	});

	it("is refused in a byId answer too", async () => {
		const { agent } = agentWith(z.object({ to: z.string(), body: z.string() }));
		await agent.run(input, { threadId: "t" });
		const error = await refusal(
			agent.run(
				new Command({
					resume: {
						byId: {
							mail1: { action: "edit", args: { to: "x", body: "y", bdy: "z" } },
						},
					},
				}),
				{ threadId: "t" },
			),
		);
		expect(error.issues).toEqual([
			expect.objectContaining({ path: ["byId", "mail1", "args", "bdy"] }),
		]);
	});

	it("is taken when the schema lets unknown keys through (z.looseObject)", async () => {
		const { agent, sent } = agentWith(
			z.looseObject({ to: z.string(), body: z.string() }),
		);
		await agent.run(input, { threadId: "t" });
		const done = await agent.run(
			edit({ to: "bob@example.com", body: "Monday", cc: "ann" }),
			{ threadId: "t" },
		);
		expect(done.status).toBe("done");
		expect(sent).toEqual([
			{ to: "bob@example.com", body: "Monday", cc: "ann" },
		]);
	});
});
