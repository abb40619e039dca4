// Rate limits shared by every caller in the process: a queue, or a typed error past maxWaitMs.
import { ScriptedChatModel } from "@weft/graph/llm";
import {
	ModelRouter,
	RateLimiterRegistry,
	RateLimitTimeoutError,
} from "@weft/models";

export async function main() {
	// #region limits
	const limiters = new RateLimiterRegistry(); // default: one registry for the whole process
	const llm = new ScriptedChatModel({ replies: ["ok"], repeatLast: true });
	const model = new ModelRouter({
		models: {
			llm: {
				model: llm,
				rateLimits: {
					maxConcurrency: 1,
					requestsPerMinute: 600,
					tokensPerMinute: 100_000,
				},
			},
		},
		rateLimiters: limiters,
	});
	// Three calls at once: they queue and run one at a time.
	const answers = await Promise.all(
		["a", "b", "c"].map((q) => model.invoke(q)),
	);

	// A caller that will not wait: the slot is busy, so it fails fast with a typed error.
	const hold = await limiters.get("llm", { maxConcurrency: 1 }).acquire();
	const impatient = await model
		.invoke("d", { maxWaitMs: 5 })
		.catch((e: unknown) => e);
	hold.release();
	// #endregion limits
	return {
		answers: answers.map((a) => a.content),
		timedOut: impatient instanceof RateLimitTimeoutError,
	};
}
