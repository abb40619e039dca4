import { HumanMessage } from "@langchain/core/messages";
import { Command, END, MemoryCheckpointer } from "@weft/graph";
import {
	createAgent,
	createSupervisor,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { makeTools } from "./fixtures.ts";

describe("createSupervisor with an agent that asks for approval", () => {
	it.each(["shared", "private"] as const)(
		"pauses inside the agent and resumes through the supervisor without repeating calls (%s history)",
		async (history) => {
			const { sendEmail, calls } = makeTools();
			const model = new ScriptedChatModel([
				{
					toolCalls: [
						{ name: "send_email", args: { to: "bob@example.com", body: "hi" } },
					],
				},
				"Mail sent.",
			]);
			const mailer = createAgent({
				model,
				tools: [sendEmail],
				approve: ["send_email"],
				name: "mailer",
			});
			let routed = 0;
			const team = createSupervisor({
				agents: { mailer },
				route: (s) => {
					routed++;
					return s.messages.some((m) => m.name === "mailer" && m.content !== "")
						? END
						: "mailer";
				},
				checkpointer: new MemoryCheckpointer(),
				history,
			});
			const paused = await team.run(
				{ messages: [new HumanMessage("mail bob")] },
				{ threadId: "m" },
			);
			expect(paused.status).toBe("interrupted");
			expect(paused.interrupts[0]?.value).toMatchObject({
				human: "approve",
				request: { toolCalls: [{ name: "send_email" }] },
			});
			const pending = await team.getState({ threadId: "m" });
			expect(pending.interrupts).toHaveLength(1);
			const done = await team.run(
				new Command({ resume: { action: "approve" } }),
				{ threadId: "m" },
			);
			expect(done.status).toBe("done");
			expect(done.values.messages.at(-1)?.content).toBe("Mail sent.");
			expect(model.calls).toHaveLength(2);
			expect(calls.send_email).toBe(1);
			expect(routed).toBe(2);
		},
	);
});
