// Found from outside (6 Dec): createAgent dropped a misspelled option without a word: with `aprove`, the
// agent sent the email with no approval asked; with `checkpointr`, nothing was saved. compile() refused
// the same typo (decision 0193): the agent builders now do too, naming the option meant.
import { tool } from "@langchain/core/tools";
import { ConfigError, MemoryCheckpointer } from "@weft/graph";
import {
	createAgent,
	createSupervisor,
	llmNode,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const sendEmail = tool(async () => "sent", {
	name: "send_email",
	description: "send an email",
	schema: z.object({ to: z.string() }),
});
const model = () => new ScriptedChatModel(["ok"]);

function refused(build: () => unknown, meant: string) {
	let error: unknown;
	try {
		build();
	} catch (e) {
		error = e;
	}
	expect(error).toBeInstanceOf(ConfigError);
	expect(error).toMatchObject({
		code: "CONFIG_INVALID",
		hint: expect.stringContaining(`did you mean ${meant}?`),
	});
}

describe("a misspelled option of an agent builder", () => {
	it("createAgent: refused, naming the option meant (an approval gate is never silently off)", () => {
		refused(
			() =>
				createAgent({
					model: model(),
					tools: [sendEmail],
					aprove: ["send_email"],
				} as never),
			"approve",
		);
		refused(
			() =>
				createAgent({
					model: model(),
					checkpointr: new MemoryCheckpointer(),
				} as never),
			"checkpointer",
		);
	});

	it("createSupervisor and llmNode: refused too", () => {
		const worker = createAgent({ model: model(), name: "worker" });
		refused(
			() =>
				createSupervisor({
					model: model(),
					agents: { worker },
					histroy: "private",
				} as never),
			"history",
		);
		refused(
			() => llmNode({ model: model(), sytem: "terse" } as never),
			"system",
		);
	});
});
