// API.md: `callbacks` given to a run reach every model call. Outside check (7 Dec): the calls a router
// makes for a call (the summariser's, a guard classifier's) reached no handler, so a tracer showed a
// slow call with nothing under it and summed fewer tokens than `RunResult.usage` (decision 0251).
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import {
	AIMessage,
	type BaseMessage,
	HumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { ScriptedChatModel } from "@weft/graph/llm";
import { blockedTopicsGuard, ModelRouter } from "@weft/models";
import { expect, it } from "vitest";

/** Keeps the chat model runs it is told of: the model each names, its parent, how it ended. */
class Recorder extends BaseCallbackHandler {
	name = "recorder";
	runs = new Map<
		string,
		{
			model: unknown;
			parent: string | undefined;
			end?: "ok" | "error";
			tokens?: number | undefined;
		}
	>();
	override handleChatModelStart(
		_llm: Serialized,
		_messages: BaseMessage[][],
		runId: string,
		parentRunId?: string,
		extra?: Record<string, unknown>,
		_tags?: string[],
		metadata?: Record<string, unknown>,
	): void {
		const params = extra?.invocation_params as
			| Record<string, unknown>
			| undefined;
		this.runs.set(runId, {
			// a side call's run says what it is for: weft_side_call, its route
			model:
				metadata?.weft_side_call ?? metadata?.ls_model_name ?? params?.model,
			parent: parentRunId,
		});
	}
	override handleLLMEnd(output: LLMResult, runId: string): void {
		const run = this.runs.get(runId)!;
		run.end = "ok";
		const generation = output.generations[0]?.[0] as
			| { message?: { usage_metadata?: { total_tokens: number } } }
			| undefined;
		run.tokens = generation?.message?.usage_metadata?.total_tokens;
	}
	override handleLLMError(_error: unknown, runId: string): void {
		this.runs.get(runId)!.end = "error";
	}
}

const history = [
	new SystemMessage("sys"),
	new HumanMessage("a ".repeat(100)),
	new AIMessage("b ".repeat(100)),
	new HumanMessage("a pasta recipe?"),
];

it("the summariser's and a classifier's calls reach the callbacks under the router's run, each attempt", async () => {
	const summariser = new ScriptedChatModel({
		model: "sum-model",
		replies: [
			{ fail: "server", status: 503 },
			{ content: "summary", usage: { input: 50, output: 5 } },
		],
	});
	const classifier = new ScriptedChatModel({
		model: "classifier-model",
		replies: [{ content: "NONE", usage: { input: 20, output: 1 } }],
	});
	const router = new ModelRouter({
		models: { llm: new ScriptedChatModel({ model: "llm", replies: ["ok"] }) },
		retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 1 },
		context: { maxTokens: 30, summarize: { model: summariser } },
		guards: [blockedTopicsGuard({ topics: ["politics"], classifier })],
	});
	const rec = new Recorder();
	expect((await router.invoke(history, { callbacks: [rec] })).content).toBe(
		"ok",
	);
	const runs = [...rec.runs.values()];
	const routerRun = [...rec.runs.entries()].find(
		([, r]) => r.parent === undefined,
	)?.[0];
	expect(routerRun).toBeDefined();
	const of = (model: string) => runs.filter((r) => r.model === model);
	expect(of("context.summarize")).toEqual([
		{ model: "context.summarize", parent: routerRun, end: "error" },
		{ model: "context.summarize", parent: routerRun, end: "ok", tokens: 55 },
	]);
	expect(of("guard.blocked-topics")).toEqual([
		{ model: "guard.blocked-topics", parent: routerRun, end: "ok", tokens: 21 },
	]);
	expect(of("llm")).toEqual([
		expect.objectContaining({ parent: routerRun, end: "ok" }),
	]);
});
