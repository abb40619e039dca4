// Outside check (7 Dec): after retries on each model, a fallback, a retried summariser, a classifier and
// a node retry, the run's usage, the thread's and the router's totals agree; the answering model's call is
// counted once, failed attempts add no tokens.
import {
	AIMessage,
	HumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import {
	MemoryCheckpointer,
	START,
	StateGraph,
	threadUsage,
} from "@weft/graph";
import { llmNode, messages, ScriptedChatModel } from "@weft/graph/llm";
import { blockedTopicsGuard, ModelRouter } from "@weft/models";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const scripted = (model: string, replies: unknown[]) =>
	new ScriptedChatModel({ model, replies: replies as never, repeatLast: true });

describe.each([false, true])(
	"usage after retries and fallbacks (stream: %s)",
	(stream) => {
		it("is counted once: run, thread and router agree", async () => {
			const router = new ModelRouter({
				models: {
					a: scripted("a", [{ fail: "server", status: 500 }]),
					b: scripted("b", [
						{ fail: "rate-limit", retryAfterSeconds: 0 },
						{ fail: "server", status: 502 },
						{ content: "answer", usage: { input: 100, output: 10 } },
					]),
				},
				retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 1 },
				context: {
					maxTokens: 30,
					summarize: {
						model: scripted("sum", [
							{ fail: "server", status: 503 },
							{ content: "summary", usage: { input: 50, output: 5 } },
						]),
					},
				},
				guards: [
					blockedTopicsGuard({
						topics: ["politics"],
						classifier: scripted("cls", [
							{ content: "NONE", usage: { input: 20, output: 1 } },
						]),
					}),
				],
				prices: {
					a: { inputPerMTok: 1, outputPerMTok: 1 },
					b: { inputPerMTok: 3, outputPerMTok: 7 },
					sum: { inputPerMTok: 0.1, outputPerMTok: 0.1 },
					cls: { inputPerMTok: 0.1, outputPerMTok: 0.1 },
				},
			});
			const checkpointer = new MemoryCheckpointer();
			const graph = new StateGraph(z.object({ messages: messages() }))
				// the first round ends MODEL_UNAVAILABLE (a and b fail twice each); the node's retry answers
				.addNode("chat", llmNode({ model: router, stream }), {
					retry: { maxAttempts: 2, initialDelayMs: 1 },
				})
				.addEdge(START, "chat")
				.compile({ checkpointer });
			const threadId = `t-${stream}`;
			const r = await graph.run(
				{
					messages: [
						new SystemMessage("sys"),
						new HumanMessage("a ".repeat(100)),
						new AIMessage("b ".repeat(100)),
						new HumanMessage("pasta?"),
					],
				},
				{ threadId },
			);
			const totals = router.usage.totals();
			const pick = (u: {
				inputTokens: number;
				outputTokens: number;
				costUsd?: number | undefined;
			}) => ({ in: u.inputTokens, out: u.outputTokens, cost: u.costUsd });
			expect(pick(r.usage)).toEqual(pick(totals));
			expect(pick(await threadUsage(checkpointer, threadId))).toEqual(
				pick(totals),
			);
			expect(r.usage.byModel.b).toMatchObject({
				inputTokens: 100,
				outputTokens: 10,
				calls: 1,
				costUsd: 0.00037,
			});
			expect(r.usage.byModel.a).toBeUndefined();
		});
	},
);
