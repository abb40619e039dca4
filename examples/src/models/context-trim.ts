// Keeping context inside the window: trim by tokens (tool calls stay with their results) and summarise.
import {
	AIMessage,
	HumanMessage,
	SystemMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { ScriptedChatModel } from "@weft/graph/llm";
import { ModelRouter, trimByTokens } from "@weft/models";

const history = [
	new SystemMessage("You are a travel assistant."),
	new HumanMessage("I want to visit Lisbon in May."),
	new AIMessage({
		content: "",
		tool_calls: [
			{
				name: "weather",
				args: { city: "Lisbon" },
				id: "w1",
				type: "tool_call",
			},
		],
	}),
	new ToolMessage({ content: "May: 22°C, mostly sunny", tool_call_id: "w1" }),
	new AIMessage("May is lovely in Lisbon: about 22°C."),
	new HumanMessage("And hotels near Alfama?"),
];

export async function main() {
	// #region trim
	const trimmed = await trimByTokens(history, {
		maxTokens: 40,
		keepLastTurns: 4,
	});
	// trimmed.messages: the system message + the turns that fit; never a ToolMessage without its call

	const summariser = new ScriptedChatModel([
		"The user plans a May trip to Lisbon (22°C, sunny).",
	]);
	const llm = new ScriptedChatModel(["Try Memmo Alfama."]);
	const model = new ModelRouter({
		models: { llm },
		context: { maxTokens: 40, summarize: { model: summariser } }, // a pre-model hook on every call
	});
	const answer = await model.invoke(history);
	// #endregion trim
	return {
		kept: trimmed.messages.map((m) => m.getType()),
		removed: trimmed.removed.length,
		sentToModel: llm.calls[0]?.messages.map((m) => String(m.content)),
		answer: answer.content,
	};
}
