// Spreading calls over several deployments of one model, with circuit breakers and per-deployment limits.
// Offline: ScriptedChatModel plays three deployments (swap in ChatOpenAI / AzureChatOpenAI for real ones).
import { ScriptedChatModel } from "@weft/graph/llm";
import {
	type ModelEvent,
	ModelRouter,
	RateLimiterRegistry,
	weftMetadata,
} from "@weft/models";

export async function main() {
	const events: ModelEvent[] = [];
	const scripted = (
		model: string,
		reply: string | { fail: "server"; status: number },
	) => new ScriptedChatModel({ model, replies: [reply], repeatLast: true });
	const eastus = scripted("gpt-4o", "from eastus");
	const westeu = scripted("gpt-4o", { fail: "server", status: 503 }); // an outage
	const direct = scripted("gpt-4o", "from openai");

	// #region deployments
	const model = new ModelRouter({
		models: {
			"gpt-4o": {
				deployments: [
					{
						name: "eastus",
						model: eastus,
						weight: 2,
						rateLimits: { maxConcurrency: 8 },
					},
					{ name: "westeu", model: westeu, weight: 2 },
					{
						name: "openai",
						model: direct,
						rateLimits: { requestsPerMinute: 500 },
					},
				],
				balance: {
					strategy: "weighted-round-robin",
					circuit: { failureThreshold: 2, coolDownMs: 30_000 },
				},
			},
		},
		retry: { maxRetries: 0 },
		onEvent: (e) => events.push(e),
		rateLimiters: new RateLimiterRegistry(),
	});

	const answers = [];
	for (let i = 0; i < 8; i++) answers.push(await model.invoke("What is Weft?"));
	// westeu fails twice, its circuit opens, and no later call is sent to it
	weftMetadata(answers[7]!)?.balance;
	// → { deployment: "eastus", strategy: "weighted-round-robin", reason: "weighted round-robin over eastus: weight 2, openai: weight 1" }
	model.deploymentStatus()["gpt-4o"];
	// → [{ name: "eastus", circuit: "closed", … }, { name: "westeu", circuit: "open", retryInMs: …, … }, …]
	// #endregion deployments

	// #region sticky
	const sticky = new ModelRouter({
		models: {
			"gpt-4o": {
				deployments: [
					{ name: "eastus", model: eastus },
					{ name: "openai", model: direct },
				],
				balance: { strategy: "sticky-thread" },
			},
		},
		rateLimiters: new RateLimiterRegistry(),
	});
	// the thread id comes from the call, or from LangChain's configurable.thread_id
	const first = await sticky.invoke("hi", { threadId: "t1" });
	const again = await sticky.invoke("and then?", {
		configurable: { thread_id: "t1" },
	});
	// both went to the same deployment, so its prompt cache serves the second call
	// #endregion sticky

	return {
		deployments: answers.map((a) => weftMetadata(a)?.balance?.deployment),
		last: weftMetadata(answers[7]!)?.balance,
		status: model.deploymentStatus()["gpt-4o"]!,
		events: events.map((e) => e.type),
		sticky: [first, again].map((a) => weftMetadata(a)?.balance),
		westeuCalls: westeu.calls.length,
	};
}
