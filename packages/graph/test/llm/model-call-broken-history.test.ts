// A thread saved before decisions 0235/0237 can hold a ToolMessage answering no tool call of its list (an
// orphan), or an AI message whose tool calls lack answers. Providers refuse such a request with a 400 the
// user cannot trace; the model call refuses it first (decision 0244), naming the messages and the repair,
// and sends nothing. The threads here are written as older builds wrote them: a stored write in a SQLite file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	AIMessage,
	type BaseMessage,
	HumanMessage,
	RemoveMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { END, START, StateGraph } from "@weft/graph";
import {
	createAgent,
	invokeModel,
	llmNode,
	messages,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { addThenAnswer, makeTools } from "./fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-broken-history-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const State = z.object({ messages: messages() });
const ids = (list: readonly BaseMessage[]) => list.map((m) => m.id);

/** h1, an AI message a1 calling two tools, their answers t1 and t2, and the answer a2. */
const conversation = () => [
	new HumanMessage({ id: "h1", content: "add and multiply" }),
	new AIMessage({
		id: "a1",
		content: "",
		tool_calls: [
			{ id: "call-1", name: "add", args: { a: 1 } },
			{ id: "call-2", name: "mul", args: { a: 2 } },
		],
	}),
	new ToolMessage({ id: "t1", content: "2", tool_call_id: "call-1" }),
	new ToolMessage({ id: "t2", content: "4", tool_call_id: "call-2" }),
	new AIMessage({ id: "a2", content: "2 and 4" }),
];

/** Appends a checkpoint whose stored write is `write` by `node`, as a build before 0235/0237 saved it. */
async function storeWrite(
	checkpointer: SqliteCheckpointer,
	threadId: string,
	node: string,
	write: BaseMessage[],
): Promise<void> {
	const c = (await checkpointer.getTuple({ threadId }))!.checkpoint;
	const { snapshot: _, ...data } = c.data;
	await checkpointer.put(
		{
			...c,
			checkpointId: `${c.checkpointId.slice(0, -4)}beef`,
			parentId: c.checkpointId,
			metadata: { ...c.metadata, snapshot: false },
			data: { ...data, writes: [[node, "messages", write]] },
		},
		{},
	);
}

/** A thread on a SQLite file of its own holding `conversation()` with `write` stored after it. */
async function brokenThread(name: string, write: BaseMessage[]) {
	const checkpointer = new SqliteCheckpointer({
		path: join(dir, `${name}.db`),
	});
	const model = new ScriptedChatModel(["fine"]);
	const build = () =>
		new StateGraph(State)
			.addNode("agent", llmNode({ model }))
			.addEdge(START, "agent")
			.addEdge("agent", END);
	const t = { threadId: name };
	// written without calling the model: the run stops before the node
	await build()
		.compile({ checkpointer, interruptBefore: ["agent"] })
		.invoke({ messages: conversation() }, t);
	await storeWrite(checkpointer, name, "agent", write);
	return { graph: build().compile({ checkpointer }), checkpointer, model, t };
}

const next = () => ({
	messages: [new HumanMessage({ id: "h2", content: "go on" })],
});

describe("a model call on a thread whose stored list breaks the tool-call pairing", () => {
	it("refuses orphan ToolMessages, naming them and the RemoveMessage that repairs it; nothing is sent", async () => {
		const { graph, checkpointer, model, t } = await brokenThread("orphans", [
			new RemoveMessage({ id: "a1" }),
		]);
		const before = (await graph.getState(t)).values.messages;
		expect(ids(before)).toEqual(["h1", "t1", "t2", "a2"]);
		const error = await graph.invoke(next(), t).catch((e: unknown) => e);
		expect(error).toMatchObject({
			code: "VALIDATION_FAILED",
			node: "agent",
			message: expect.stringMatching(/"t1".*"t2".*no AI message/s),
			hint: expect.stringContaining(
				'updateState(config, { messages: [new RemoveMessage({ id: "t1" }), new RemoveMessage({ id: "t2" })] })',
			),
		});
		expect(model.calls).toHaveLength(0);
		// not repaired silently: the list is as it was, and the repair the hint names works
		expect(ids((await graph.getState(t)).values.messages)).toEqual([
			...ids(before),
			"h2",
		]);
		await graph.updateState(t, {
			messages: [
				new RemoveMessage({ id: "t1" }),
				new RemoveMessage({ id: "t2" }),
			] as never,
		});
		const done = await graph.invoke(null, t);
		expect(ids(done.messages)).toEqual([
			"h1",
			"a2",
			"h2",
			done.messages[3]!.id,
		]);
		expect(done.messages.at(-1)?.content).toBe("fine");
		expect(model.calls).toHaveLength(1);
		await checkpointer.close();
	});

	it("refuses an AI message whose tool calls lack answers, naming the message and the calls", async () => {
		const { graph, checkpointer, model, t } = await brokenThread("unanswered", [
			new RemoveMessage({ id: "t2" }),
		]);
		const error = await graph.invoke(next(), t).catch((e: unknown) => e);
		expect(error).toMatchObject({
			code: "VALIDATION_FAILED",
			node: "agent",
			message: expect.stringMatching(/"a1".*"call-2"/s),
			hint: expect.stringContaining(
				'new RemoveMessage({ id: "a1" }), new RemoveMessage({ id: "t1" })',
			),
		});
		expect(model.calls).toHaveLength(0);
		await graph.updateState(t, {
			messages: [
				new RemoveMessage({ id: "a1" }),
				new RemoveMessage({ id: "t1" }),
			] as never,
		});
		expect((await graph.invoke(null, t)).messages.at(-1)?.content).toBe("fine");
		await checkpointer.close();
	});

	it("refuses it in createAgent's loop too, on the thread's next turn", async () => {
		const checkpointer = new SqliteCheckpointer({
			path: join(dir, "agent.db"),
		});
		const model = addThenAnswer().script("again");
		const graph = createAgent({
			model,
			tools: [makeTools().add],
			checkpointer,
		});
		const t = { threadId: "agent" };
		const first = await graph.invoke(
			{ messages: [new HumanMessage("add 1 and 2")] },
			t,
		);
		const caller = first.messages[1]!;
		const answer = first.messages[2]!;
		expect(answer).toBeInstanceOf(ToolMessage);
		await storeWrite(checkpointer, "agent", "agent", [
			new RemoveMessage({ id: caller.id! }),
		]);
		const error = await graph
			.invoke({ messages: [new HumanMessage("and again?")] }, t)
			.catch((e: unknown) => e);
		expect(error).toMatchObject({
			code: "VALIDATION_FAILED",
			message: expect.stringContaining(`"${answer.id}"`),
		});
		expect(model.calls).toHaveLength(2);
		await checkpointer.close();
	});

	it("refuses it from invokeModel too, for messages a node of your own passes", async () => {
		const model = new ScriptedChatModel(["fine"]);
		const graph = new StateGraph(z.object({ text: z.string() }))
			.addNode("mine", async (_s, ctx) => {
				const answer = await invokeModel(ctx, "draft", model, [
					new HumanMessage("hi"),
					new ToolMessage({ content: "2", tool_call_id: "call-9" }),
				]);
				return { text: answer.text };
			})
			.addEdge(START, "mine")
			.addEdge("mine", END)
			.compile();
		await expect(graph.invoke({ text: "" })).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			node: "mine",
			message: expect.stringContaining('"call-9"'),
			hint: expect.stringContaining("leave them out of the messages you pass"),
		});
		expect(model.calls).toHaveLength(0);
	});
});
