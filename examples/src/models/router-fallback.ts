// Routing by task, a fallback chain that survives a rate limit and an outage, and the decision in metadata.
// Offline: ScriptedChatModel plays the providers (swap in ChatOpenAI / ChatAnthropic for real ones).
import { ScriptedChatModel } from "@weft/graph/llm";
import { type ModelEvent, ModelRouter, weftMetadata } from "@weft/models";

export async function main() {
	const events: ModelEvent[] = [];
	const strong = new ScriptedChatModel({
		model: "gpt-4o",
		replies: [{ fail: "server", status: 503 }],
		repeatLast: true,
	});
	const backup = new ScriptedChatModel({
		model: "claude-sonnet-4-5",
		replies: ["A graph runtime for agents."],
	});
	const cheap = new ScriptedChatModel({
		model: "gpt-4o-mini",
		replies: [{ fail: "rate-limit", retryAfterSeconds: 0 }, "Short summary."],
	});

	// #region router
	const model = new ModelRouter({
		models: {
			"gpt-4o": strong,
			"claude-sonnet-4-5": backup,
			"gpt-4o-mini": cheap,
		},
		rules: [
			{ name: "summaries", task: "summarise", use: ["gpt-4o-mini", "gpt-4o"] },
		],
		defaultChain: ["gpt-4o", "claude-sonnet-4-5"],
		retry: { maxRetries: 1, initialDelayMs: 10 },
		onEvent: (e) => events.push(e),
	});

	const answer = await model.invoke("What is Weft?"); // 503 on gpt-4o → falls back
	const summary = await model.invoke("Summarise this.", { task: "summarise" }); // 429 → retried
	// #endregion router
	return {
		answer: { text: answer.content, weft: weftMetadata(answer) },
		summary: { text: summary.content, weft: weftMetadata(summary) },
		events: events.map((e) => e.type),
	};
}
