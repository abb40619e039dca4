// Found by a user's probe (7 Dec): a node of one's own that called a model (passing ctx.callOptions, as
// observability.md says) was neither counted in the run's usage nor streamed, and paid again after a
// resume. `invokeModel(ctx, key, model, messages)` calls it as llmNode does (decision 0230).
import { type AIMessage, HumanMessage } from "@langchain/core/messages";
import {
	Command,
	MemoryCheckpointer,
	START,
	StateGraph,
	threadUsage,
} from "@weft/graph";
import { invokeModel, ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";

const State = z.object({
	topic: z.string(),
	draft: z.string().optional(),
	title: z.string().optional(),
	approved: z.boolean().optional(),
});

describe("invokeModel: a model called from a node of one's own", () => {
	it("is counted, streamed, and not paid again when the node runs again after a resume", async () => {
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [
				{ content: "a draft", usage: { input: 100, output: 10 } },
				{ content: "a title", usage: { input: 20, output: 2 } },
			],
		});
		const checkpointer = new MemoryCheckpointer();
		const graph = new StateGraph(State)
			.addNode("write", async (s, ctx) => {
				const draft = await invokeModel(ctx, "draft", model, [
					new HumanMessage(`write about ${s.topic}`),
				]);
				const title = await invokeModel(ctx, "title", model, [
					new HumanMessage(`title for ${String(draft.content)}`),
				]);
				const approved = await ctx.interrupt<boolean>("publish?");
				return {
					draft: String(draft.content),
					title: String(title.content),
					approved,
				};
			})
			.addEdge(START, "write")
			.compile({ checkpointer });
		const tokens: string[] = [];
		let paused: { usage: { inputTokens: number; calls: number } } | undefined;
		for await (const e of graph.stream(
			{ topic: "owls" },
			{ threadId: "t", mode: ["messages", "updates"] },
		)) {
			if (e.type === "message")
				tokens.push(String((e.chunk as { content: unknown }).content));
			if (e.type === "end") paused = e.result;
		}
		expect(tokens.join("")).toContain("a draft");
		expect(paused?.usage).toMatchObject({ inputTokens: 120, calls: 2 });

		const done = await graph.run(new Command({ resume: true }), {
			threadId: "t",
		});
		expect(done.values).toMatchObject({
			draft: "a draft",
			title: "a title",
			approved: true,
		});
		expect(model.calls).toHaveLength(2); // the saved answers were reused
		expect(done.usage.calls).toBe(0);
		const thread = await threadUsage(checkpointer, "t");
		expect({ input: thread.inputTokens, calls: thread.calls }).toEqual({
			input: 120,
			calls: 2,
		});
	});

	it("refuses a call without a key, a context or a model with a typed error", async () => {
		const model = new ScriptedChatModel({ replies: ["x"] });
		const graph = (call: (ctx: never) => Promise<unknown>) =>
			new StateGraph(State)
				.addNode("write", async (_s, ctx) => {
					await call(ctx as never);
					return {};
				})
				.addEdge(START, "write")
				.compile();
		for (const [call, words] of [
			[(ctx: never) => invokeModel(ctx, "", model, []), "key"],
			[(_ctx: never) => invokeModel({} as never, "k", model, []), "ctx"],
			[(ctx: never) => invokeModel(ctx, "k", {} as never, []), "chat model"],
			[(ctx: never) => invokeModel(ctx, "k", model, "hi" as never), "array"],
		] as const)
			await expect(graph(call).run({ topic: "x" })).rejects.toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringContaining(words),
				hint: expect.stringContaining("invokeModel(ctx"),
			});
	});

	it("is typed: an AIMessage back", () => {
		expectTypeOf(invokeModel).returns.resolves.toEqualTypeOf<AIMessage>();
	});
});
