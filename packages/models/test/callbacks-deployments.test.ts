// API.md "Memory, telemetry, MCP": `callbacks` given to a run reach every model and tool call. Through a
// ModelRouter, each call it makes to a model (a failed attempt before a fallback included) reaches the
// callbacks as a chat model run of its own, under the router's run, named by the model that was called;
// its tokens are counted once, on the router's run (decision 0132).

import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import { type BaseMessage, HumanMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent } from "@weft/graph/llm";
import { ModelRouter } from "@weft/models";
import { describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model.ts";

interface Seen {
	runId: string;
	parentRunId: string | undefined;
	model: unknown;
	invocationModel: unknown;
}

/** A real LangChain handler that keeps what it was told of chat model runs. */
class Recorder extends BaseCallbackHandler {
	name = "recorder";
	starts: Seen[] = [];
	ends: { runId: string; tokens: number; text: string }[] = [];
	errors: { runId: string; message: string }[] = [];
	tokens: string[] = [];

	override handleChatModelStart(
		_llm: Serialized,
		_messages: BaseMessage[][],
		runId: string,
		parentRunId?: string,
		extraParams?: Record<string, unknown>,
		_tags?: string[],
		metadata?: Record<string, unknown>,
	): void {
		const params = extraParams?.invocation_params as
			| Record<string, unknown>
			| undefined;
		this.starts.push({
			runId,
			parentRunId,
			model: metadata?.ls_model_name,
			invocationModel: params?.model,
		});
	}
	override handleLLMEnd(output: LLMResult, runId: string): void {
		let tokens = 0;
		let text = "";
		for (const batch of output.generations)
			for (const g of batch) {
				text += g.text;
				const usage = (
					g as { message?: { usage_metadata?: { total_tokens: number } } }
				).message?.usage_metadata;
				tokens += usage?.total_tokens ?? 0;
			}
		this.ends.push({ runId, tokens, text });
	}
	override handleLLMError(error: Error, runId: string): void {
		this.errors.push({ runId, message: error.message });
	}
	override handleLLMNewToken(token: string): void {
		this.tokens.push(token);
	}
	/** The router's run: the one without a parent among the chat model runs. */
	root(): Seen {
		const roots = this.starts.filter(
			(s) => !this.starts.some((o) => o.runId === s.parentRunId),
		);
		expect(roots).toHaveLength(1);
		return roots[0]!;
	}
	attempts(): Seen[] {
		const root = this.root();
		return this.starts.filter((s) => s.parentRunId === root.runId);
	}
	totalTokens(): number {
		return this.ends.reduce((n, e) => n + e.tokens, 0);
	}
}

function router() {
	const primary = new FakeModel("gpt-primary", [
		{ fail: { status: 503, message: "overloaded" } },
	]);
	const backup = new FakeModel("claude-backup", [
		{
			content: "Paris.",
			usage: { input_tokens: 12, output_tokens: 3, total_tokens: 15 },
		},
	]);
	return new ModelRouter({
		models: { primary, backup },
		defaultChain: ["primary", "backup"],
		retry: { maxRetries: 0 },
	});
}

describe("a ModelRouter's calls reach the run's callbacks", () => {
	for (const how of ["invoke", "stream"] as const) {
		it(`each attempt is a chat model run under the router's, named by its model (${how})`, async () => {
			const model = router();
			const seen = new Recorder();
			const options = { callbacks: [seen] };
			if (how === "invoke") await model.invoke("Capital of France?", options);
			else for await (const _ of await model.stream("Capital?", options));
			const attempts = seen.attempts();
			expect(attempts.map((a) => a.model)).toEqual([
				"gpt-primary",
				"claude-backup",
			]);
			expect(attempts.map((a) => a.invocationModel)).toEqual([
				"gpt-primary",
				"claude-backup",
			]);
			// the failed attempt ends in an error, the fallback with its answer
			expect(seen.errors.map((e) => e.runId)).toEqual([attempts[0]!.runId]);
			expect(seen.errors[0]!.message).toContain("overloaded");
			const ended = new Map(seen.ends.map((e) => [e.runId, e]));
			expect(ended.get(attempts[1]!.runId)?.text).toBe("Paris.");
			expect(ended.has(seen.root().runId)).toBe(true);
			// tokens once: the router's run carries the call's usage, its attempts none
			expect(seen.totalTokens()).toBe(15);
			expect(model.usage.totals().inputTokens).toBe(12);
			if (how === "stream") expect(seen.tokens.join("")).toBe("Paris.");
		});
	}

	it("in a graph run: the run's callbacks see each deployment call, usage counted once", async () => {
		const seen = new Recorder();
		const agent = createAgent({
			model: router(),
			checkpointer: new MemoryCheckpointer(),
			name: "geo",
		});
		const result = await agent.run(
			{ messages: [new HumanMessage("Capital of France?")] },
			{ threadId: "t", callbacks: [seen] },
		);
		expect(seen.attempts().map((a) => a.model)).toEqual([
			"gpt-primary",
			"claude-backup",
		]);
		expect(seen.errors).toHaveLength(1);
		expect(seen.totalTokens()).toBe(15);
		expect(result.usage.inputTokens + result.usage.outputTokens).toBe(15);
		expect(Object.keys(result.usage.byModel)).toEqual(["backup"]);
	});

	it("a balanced model's attempts are named by the deployment's model", async () => {
		const east = new FakeModel("gpt-east", [{ fail: { status: 500 } }]);
		const west = new FakeModel("gpt-west", [{ content: "ok" }]);
		const model = new ModelRouter({
			models: {
				chat: {
					deployments: [
						{ name: "east", model: east },
						{ name: "west", model: west },
					],
					balance: { strategy: "least-outstanding" },
				},
			},
			retry: { maxRetries: 1, initialDelayMs: 0 },
		});
		const seen = new Recorder();
		await model.invoke("hi", { callbacks: [seen] });
		const attempts = seen.attempts();
		expect(attempts.map((a) => a.model)).toEqual(["gpt-east", "gpt-west"]);
		expect(seen.errors.map((e) => e.runId)).toEqual([attempts[0]!.runId]);
	});

	it("a stream read only in part still ends each attempt's run", async () => {
		const seen = new Recorder();
		for await (const _ of await router().stream("Capital?", {
			callbacks: [seen],
		}))
			break;
		const closed = new Set([
			...seen.ends.map((e) => e.runId),
			...seen.errors.map((e) => e.runId),
		]);
		for (const a of seen.attempts()) expect(closed.has(a.runId)).toBe(true);
	});

	it("without callbacks, nothing is made for them", async () => {
		const out = await router().invoke("Capital?");
		expect(out.content).toBe("Paris.");
	});
});
