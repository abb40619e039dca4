// Found from outside (7 Dec): a gated call whose arguments fail the tool's schema was put to the human,
// and failed only after the approval. A call that cannot run is never asked about: it gets the error
// answer an ungated call with the same arguments gets, and the model can correct itself (decision 0232).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HumanMessage, ToolMessage } from "@langchain/core/messages";
import type { Checkpointer } from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { Command, MemoryCheckpointer } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { afterEach, describe, expect, it } from "vitest";
import { makeTools } from "./fixtures.ts";

const badMail = {
	name: "send_email",
	args: { to: "not an address", body: "3" },
	id: "mail1",
};
const goodMail = {
	name: "send_email",
	args: { to: "bob@example.com", body: "3" },
	id: "mail2",
};
const input = { messages: [new HumanMessage("mail Bob")] };
const toolAnswers = (list: unknown[]) =>
	list
		.filter((m): m is ToolMessage => ToolMessage.isInstance(m))
		.map((m) => ({ id: m.tool_call_id, status: m.status, text: m.text }));

function agentOn(
	checkpointer: Checkpointer,
	calls: Array<typeof badMail>,
	gated: boolean,
) {
	const tools = makeTools();
	const agent = createAgent({
		model: new ScriptedChatModel([{ toolCalls: calls }, "All done."]),
		tools: [tools.sendEmail],
		approve: gated ? ["send_email"] : [],
		checkpointer,
	});
	return { agent, calls: tools.calls };
}

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const stores: Array<[string, () => Checkpointer]> = [
	["memory", () => new MemoryCheckpointer()],
	[
		"a SQLite file",
		() => {
			const dir = mkdtempSync(join(tmpdir(), "weft-approval-"));
			dirs.push(dir);
			return new SqliteCheckpointer({ path: join(dir, "weft.db") });
		},
	],
];

describe.each(stores)("a gated call with invalid arguments (%s)", (_, open) => {
	it("is not put to the human: it is answered as an ungated call is, and the run goes on", async () => {
		const store = open();
		const { agent, calls } = agentOn(store, [badMail], true);
		const done = await agent.run(input, { threadId: "t" });
		expect(done.status).toBe("done");
		expect(done.interrupts).toEqual([]);
		expect(calls.send_email).toBe(0);

		const ungatedStore = open();
		const ungated = await agentOn(ungatedStore, [badMail], false).agent.run(
			input,
			{ threadId: "t" },
		);
		const answers = toolAnswers(done.values.messages);
		expect(answers).toEqual(toolAnswers(ungated.values.messages));
		expect(answers).toEqual([
			{
				id: "mail1",
				status: "error",
				text: expect.stringContaining('invalid arguments for "send_email"'),
			},
		]);
		await (store as { close?: () => unknown }).close?.();
		await (ungatedStore as { close?: () => unknown }).close?.();
	});

	it("beside a valid gated call: only the valid one is asked about; the invalid one gets its error", async () => {
		const store = open();
		const { agent, calls } = agentOn(store, [badMail, goodMail], true);
		const paused = await agent.run(input, { threadId: "t" });
		expect(paused.status).toBe("interrupted");
		expect(paused.interrupts[0]?.value).toMatchObject({
			request: { toolCalls: [{ id: "mail2" }] },
		});
		const done = await agent.run(
			new Command({ resume: { action: "approve" } }),
			{ threadId: "t" },
		);
		expect(done.status).toBe("done");
		expect(calls.send_email).toBe(1);
		expect(
			toolAnswers(done.values.messages).map((a) => [a.id, a.status]),
		).toEqual([
			["mail1", "error"],
			["mail2", "success"],
		]);
		await (store as { close?: () => unknown }).close?.();
	});
});
