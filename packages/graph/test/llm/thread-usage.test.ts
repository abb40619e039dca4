import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import {
	type Checkpointer,
	Command,
	END,
	MemoryCheckpointer,
	runUsageOf,
	START,
	StateGraph,
	threadUsage,
} from "@weft/graph";
import { llmNode, messages, ScriptedChatModel } from "@weft/graph/llm";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({ messages: messages() });
const reply = (input: number, output: number) => ({
	content: "ok",
	usage: { input, output },
});

function chat(checkpointer: Checkpointer, model: ScriptedChatModel) {
	const inner = new StateGraph(State)
		.addNode("draft", llmNode({ model }))
		.addEdge(START, "draft")
		.compile();
	return new StateGraph(State)
		.addNode("answer", llmNode({ model }))
		.addNode("review", inner)
		.addEdge(START, "answer")
		.addEdge("answer", "review")
		.compile({ checkpointer });
}

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("usage per thread, in the store", () => {
	it("keeps what a failed run spent with its error and its error event (the failed step never commits)", async () => {
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [reply(10, 1), reply(20, 2), reply(10, 1), reply(20, 2)],
		});
		const graph = new StateGraph(State)
			.addNode("answer", llmNode({ model }))
			.addNode("post", async (s, ctx) => {
				await llmNode({ model })(s, ctx);
				throw new Error("the mail server is down");
			})
			.addEdge(START, "answer")
			.addEdge("answer", "post")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const error = await graph
			.run({ messages: [new HumanMessage("one")] }, { threadId: "f" })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ code: "NODE_FAILED", node: "post" });
		expect(runUsageOf(error)).toMatchObject({
			inputTokens: 30,
			outputTokens: 3,
			calls: 2,
			byNode: { answer: { calls: 1 }, post: { calls: 1 } },
		});
		// the thread's usage in the store has the failed step's call too, recorded with its error (0206)
		expect(await graph.getUsage({ threadId: "f" })).toMatchObject({
			inputTokens: 30,
			calls: 2,
		});
		// a stream's error event carries it too
		let usage: unknown;
		try {
			for await (const ev of graph.stream(
				{ messages: [new HumanMessage("two")] },
				{ threadId: "g" },
			))
				if (ev.type === "error") usage = ev.usage;
		} catch (thrown) {
			expect(runUsageOf(thrown)).toBe(usage);
		}
		expect(usage).toMatchObject({ inputTokens: 30, calls: 2 });
		expect(runUsageOf(new Error("other"))).toBeUndefined();
	});

	it("a failed subgraph's model calls are in its parent's runUsageOf(error), with the parent's own", async () => {
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [reply(10, 1), reply(20, 2), reply(40, 4)],
		});
		const inner = new StateGraph(State)
			.addNode("draft", llmNode({ model }))
			.addNode("post", async (s, ctx) => {
				await llmNode({ model })(s, ctx);
				throw new Error("the mail server is down");
			})
			.addEdge(START, "draft")
			.addEdge("draft", "post")
			.compile();
		const graph = new StateGraph(State)
			.addNode("answer", llmNode({ model }))
			.addNode("review", inner)
			.addEdge(START, "answer")
			.addEdge("answer", "review")
			.compile({ checkpointer: new MemoryCheckpointer() });
		let usage: unknown;
		let error: unknown;
		try {
			for await (const ev of graph.stream(
				{ messages: [new HumanMessage("one")] },
				{ threadId: "sub" },
			))
				if (ev.type === "error") usage = ev.usage;
		} catch (thrown) {
			error = thrown;
		}
		expect(error).toMatchObject({ code: "NODE_FAILED" });
		expect(runUsageOf(error)).toMatchObject({
			inputTokens: 70,
			outputTokens: 7,
			calls: 3,
			byNode: { answer: { calls: 1 }, review: { calls: 2, inputTokens: 60 } },
		});
		expect(usage).toEqual(runUsageOf(error));
	});

	it("adds up every run and branch of a thread, and reads back from the file in a new store", async () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-usage-"));
		dirs.push(dir);
		const path = join(dir, "usage.db");
		const store = new SqliteCheckpointer({ path });
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [reply(10, 1), reply(20, 2), reply(30, 3), reply(40, 4)],
		});
		const graph = chat(store, model);
		const first = await graph.run(
			{ messages: [new HumanMessage("one")] },
			{ threadId: "t" },
		);
		expect(first.usage).toMatchObject({ inputTokens: 30, calls: 2 });
		// a second run on the thread, from a fork of its first checkpoint
		let oldest: { checkpointId: string } | undefined;
		for await (const s of graph.getStateHistory({ threadId: "t" })) oldest = s;
		const fork = await graph.updateState(
			{ threadId: "t", checkpointId: oldest!.checkpointId },
			{ messages: [new HumanMessage("two")] },
		);
		const second = await graph.run(null, fork);
		expect(second.usage).toMatchObject({ inputTokens: 70, calls: 2 });

		const total = await graph.getUsage({ threadId: "t" });
		expect(total).toMatchObject({
			inputTokens: 100,
			outputTokens: 10,
			totalTokens: 110,
			calls: 4,
		});
		expect(total.byNode).toMatchObject({
			answer: { inputTokens: 40, calls: 2 },
			review: { inputTokens: 60, calls: 2 },
		});
		expect(total.byModel["gpt-test"]).toMatchObject({ calls: 4 });
		await store.close();

		const reopened = new SqliteCheckpointer({ path });
		expect(await threadUsage(reopened, "t")).toEqual(total);
		expect(await threadUsage(reopened, "nobody")).toMatchObject({
			calls: 0,
			byNode: {},
		});
		await reopened.close();
	});

	// Found from outside (6 Dec): an agent inside a parent graph (a supervisor's, a node of one's own)
	// that called its model and then paused for approval: the call was in the run's usage but never in
	// the thread's, before or after the approval (the parent's step commits only after it)
	it("counts a paused subgraph's calls once: while it waits, and after the answer finishes the step", async () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-usage-"));
		dirs.push(dir);
		const path = join(dir, "paused.db");
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [reply(100, 1), reply(200, 2)],
		});
		const build = (checkpointer: Checkpointer) => {
			const inner = new StateGraph(State)
				.addNode("draft", llmNode({ model }))
				.addNode("ask", async (_s, ctx) => {
					await ctx.interrupt("send it?");
					return {};
				})
				.addNode("send", llmNode({ model }))
				.addEdge(START, "draft")
				.addEdge("draft", "ask")
				.addEdge("ask", "send")
				.compile();
			return new StateGraph(State)
				.addNode("mailer", inner)
				.addEdge(START, "mailer")
				.compile({ checkpointer });
		};
		const store = new SqliteCheckpointer({ path });
		const paused = await build(store).run(
			{ messages: [new HumanMessage("mail bob")] },
			{ threadId: "p" },
		);
		expect(paused.status).toBe("interrupted");
		expect(paused.usage).toMatchObject({ inputTokens: 100, calls: 1 });
		expect(await threadUsage(store, "p")).toMatchObject({
			inputTokens: 100,
			calls: 1,
			byNode: { mailer: { calls: 1 } },
		});
		await store.close();
		// answered from a new process: the store read anew
		const again = new SqliteCheckpointer({ path });
		const done = await build(again).run(new Command({ resume: true }), {
			threadId: "p",
		});
		expect(done.status).toBe("done");
		expect(done.usage).toMatchObject({ inputTokens: 200, calls: 1 });
		expect(await threadUsage(again, "p")).toMatchObject({
			inputTokens: 300,
			calls: 2,
			byNode: { mailer: { inputTokens: 300, calls: 2 } },
		});
		await again.close();
	});

	it("counts a failed step's calls once: while it failed, and after a run finishes it", async () => {
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [reply(10, 1), reply(20, 2)],
		});
		let fail = true;
		const graph = new StateGraph(State)
			.addNode("post", async (s, ctx) => {
				const update = await llmNode({ model })(s, ctx);
				if (fail) throw new Error("the mail server is down");
				return update;
			})
			.addEdge(START, "post")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await graph
			.run({ messages: [new HumanMessage("one")] }, { threadId: "r" })
			.catch(() => undefined);
		expect(await graph.getUsage({ threadId: "r" })).toMatchObject({
			inputTokens: 10,
			calls: 1,
		});
		fail = false;
		const done = await graph.run(null, { threadId: "r" });
		expect(done.usage).toMatchObject({ inputTokens: 20, calls: 1 });
		expect(await graph.getUsage({ threadId: "r" })).toMatchObject({
			inputTokens: 30,
			calls: 2,
		});
	});

	// Found in review (6 Dec): the usage rode on the first interrupt or error record a run wrote, so it was
	// lost where a run wrote none (a question asked again, a failed commit), or when the paused checkpoint
	// stopped being a head other than by a resume (an answer with an update, new input past the question)
	it("counts each call once through re-asked questions, answers with updates, new input and failed commits", async () => {
		const cheap = () =>
			new ScriptedChatModel({
				model: "m",
				replies: [reply(10, 1)],
				repeatLast: true,
			});
		const calls = async (cp: Checkpointer) =>
			(await threadUsage(cp, "t")).calls;

		// a multi-task step: the answered task calls the model; its sibling asks its question again
		{
			const model = cheap();
			const cp = new MemoryCheckpointer();
			const graph = new StateGraph(State)
				.addNode("a", async (s, ctx) => {
					await ctx.interrupt("a?");
					return llmNode({ model })(s, ctx);
				})
				.addNode("b", async (_s, ctx) => {
					await ctx.interrupt("b?");
					return {};
				})
				.addEdge(START, "a")
				.addEdge(START, "b")
				.compile({ checkpointer: cp });
			const first = await graph.run(
				{ messages: [new HumanMessage("hi")] },
				{ threadId: "t" },
			);
			const id = (node: string) =>
				first.interrupts.find((i) => i.node === node)!.id;
			await graph.run(new Command({ resume: { [id("a")]: "yes" } }), {
				threadId: "t",
			});
			expect(await calls(cp)).toBe(1);
			await graph.run(new Command({ resume: { [id("b")]: "yes" } }), {
				threadId: "t",
			});
			expect(await calls(cp)).toBe(1);
			expect(model.calls).toHaveLength(1);
		}
		// an answer that comes with an update; new input past the question
		for (const how of ["answer with an update", "new input"] as const) {
			const model = cheap();
			const cp = new MemoryCheckpointer();
			const graph = new StateGraph(State)
				.addNode("draft", async (s, ctx) => {
					const update = await llmNode({ model })(s, ctx);
					if (s.messages.length < 2) await ctx.interrupt("send?");
					return update;
				})
				.addEdge(START, "draft")
				.compile({ checkpointer: cp });
			await graph.run(
				{ messages: [new HumanMessage("one")] },
				{ threadId: "t" },
			);
			expect(await calls(cp), how).toBe(1);
			await graph.run(
				how === "new input"
					? { messages: [new HumanMessage("two")] }
					: new Command({
							resume: true,
							update: { messages: [new HumanMessage("two")] },
						}),
				{ threadId: "t" },
			);
			expect(await calls(cp), how).toBe(model.calls.length);
		}
		// a step whose commit failed (its router threw): counted, and its answer not asked for again
		{
			const model = cheap();
			const cp = new MemoryCheckpointer();
			let broken = true;
			const graph = new StateGraph(State)
				.addNode("agent", llmNode({ model }))
				.addEdge(START, "agent")
				.addConditionalEdges("agent", () => {
					if (broken) throw new Error("router bug");
					return END;
				})
				.compile({ checkpointer: cp });
			await expect(
				graph.run({ messages: [new HumanMessage("hi")] }, { threadId: "t" }),
			).rejects.toThrow("router bug");
			expect(await calls(cp)).toBe(1);
			broken = false;
			await graph.run(null, { threadId: "t" });
			expect(await calls(cp)).toBe(1);
			expect(model.calls).toHaveLength(1);
		}
	});

	it("records nothing in checkpoints of steps that called no model", async () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-usage-"));
		dirs.push(dir);
		const store = new SqliteCheckpointer({ path: join(dir, "u.db") });
		const graph = chat(
			store,
			new ScriptedChatModel([reply(1, 1), reply(1, 1)]),
		);
		await graph.invoke({ messages: [] }, { threadId: "t" });
		const withUsage: boolean[] = [];
		for await (const c of store.list({ threadId: "t" }))
			withUsage.push(c.metadata.usage !== undefined);
		// input checkpoint, answer, review: only the two model steps carry usage
		expect(withUsage.reverse()).toEqual([false, true, true]);
		await store.close();
	});
});
