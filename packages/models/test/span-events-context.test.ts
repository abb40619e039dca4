// A context manager of the application's whose active() throws does not fail a routed model call: the
// balancing events are telemetry (span-events.ts), skipped when the active span cannot be read.
import { HumanMessage } from "@langchain/core/messages";
import { type Context, context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { ModelRouter, RateLimiterRegistry } from "@weft/models";
import { afterAll, beforeAll, expect, it } from "vitest";
import { scriptedDeployment } from "./deployments.ts";

class ThrowingActive extends AsyncLocalStorageContextManager {
	override active(): Context {
		throw new Error("context manager broke");
	}
}

const provider = new BasicTracerProvider();
beforeAll(() => {
	context.setGlobalContextManager(new ThrowingActive().enable());
	trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
	await provider.shutdown();
	trace.disable();
	context.disable();
});

it("a routed call answers when the context manager's active() throws", async () => {
	const a = scriptedDeployment("a");
	const b = scriptedDeployment("b");
	a.set({ fail: 500 }); // a failover: events to record
	const router = new ModelRouter({
		rateLimiters: new RateLimiterRegistry(),
		retry: { maxRetries: 0 },
		models: {
			gpt: {
				deployments: [
					{ name: "a", model: a.model },
					{ name: "b", model: b.model },
				],
				balance: {
					strategy: "weighted-round-robin",
					circuit: { failureThreshold: 1 },
				},
			},
		},
	});
	const answer = await router.invoke([new HumanMessage("hi")], {
		model: "gpt",
	} as never);
	expect(answer.text).toBe("from b");
});
