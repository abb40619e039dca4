// The chat model both engines' agents call in L1: answers from a script, with no I/O, so what is timed
// is the agent layer around the calls. Turn k (k tool results so far) asks for `lookup` until `turns`.
import {
	BaseChatModel,
	type BaseChatModelParams,
} from "@langchain/core/language_models/chat_models";
import {
	AIMessage,
	type BaseMessage,
	type StandardMessageStructure,
	ToolMessage,
	type UsageMetadata,
} from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { tool } from "@langchain/core/tools";
import { z } from "zod";

export class ScriptedAgentModel extends BaseChatModel {
	calls = 0;
	constructor(
		readonly turns: number,
		params: BaseChatModelParams = {},
	) {
		super(params);
	}

	_llmType(): string {
		return "scripted-agent";
	}

	// The tools are known to the script; binding them changes nothing.
	override bindTools(): this {
		return this;
	}

	async _generate(messages: BaseMessage[]): Promise<ChatResult> {
		this.calls++;
		const k = messages.filter((m) => ToolMessage.isInstance(m)).length;
		const usage_metadata: UsageMetadata = {
			input_tokens: 20 + 10 * k,
			output_tokens: 8,
			total_tokens: 28 + 10 * k,
		};
		// the standard structure: under exactOptionalPropertyTypes, @langchain/core 1.4's default one types
		// usage_metadata as `undefined`
		const message =
			k < this.turns
				? new AIMessage<StandardMessageStructure>({
						content: "",
						tool_calls: [
							{ id: `call_${k + 1}`, name: "lookup", args: { step: k + 1 } },
						],
						usage_metadata,
					})
				: new AIMessage<StandardMessageStructure>({
						content: finalAnswer(this.turns),
						usage_metadata,
					});
		return { generations: [{ text: String(message.content), message }] };
	}
}

export const finalAnswer = (turns: number) => `done after ${turns} lookups`;

export const lookup = tool(async ({ step }) => `result ${step}`, {
	name: "lookup",
	description: "Looks a step up",
	schema: z.object({ step: z.number() }),
});

/** The same calls without any agent layer: the model, then the tool, turn after turn. */
export async function directCalls(
	model: ScriptedAgentModel,
	first: BaseMessage,
): Promise<BaseMessage[]> {
	const messages = [first];
	for (;;) {
		const answer = (await model.invoke(messages)) as AIMessage;
		messages.push(answer);
		const calls = answer.tool_calls ?? [];
		if (calls.length === 0) return messages;
		for (const call of calls)
			messages.push(
				(await lookup.invoke({ ...call, type: "tool_call" })) as ToolMessage,
			);
	}
}
