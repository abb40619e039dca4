// What a messages() key refuses (decision 0235): a RemoveMessage of an id the list lacks, a ToolMessage
// that answers no tool call of the list. A node writing one fails with VALIDATION_FAILED, updateState
// refuses it; nothing is saved either way. Stored writes of older threads still read.
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
import { messages } from "@weft/graph/llm";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

const dir = mkdtempSync(join(tmpdir(), "weft-messages-refusals-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const State = z.object({ messages: messages() });
const ids = (list: readonly BaseMessage[]) =>
	list.map((m) => `${m.id}:${String(m.content)}`);

const calling = (id: string, callId: string) =>
	new AIMessage({
		id,
		content: "",
		tool_calls: [{ id: callId, name: "add", args: { a: 1 } }],
	});

/** A graph whose one node writes `write(state)`, on a SQLite file of its own. */
function graphWriting(
	name: string,
	write: (s: { messages: BaseMessage[] }) => unknown,
) {
	const checkpointer = new SqliteCheckpointer({
		path: join(dir, `${name}.db`),
	});
	const graph = new StateGraph(State)
		.addNode("edit", (s) => ({ messages: write(s) as never }))
		.addEdge(START, "edit")
		.addEdge("edit", END)
		.compile({ checkpointer });
	return { graph, checkpointer };
}

async function checkpointCount(
	graph: {
		getStateHistory: (c: { threadId: string }) => AsyncIterable<unknown>;
	},
	threadId: string,
): Promise<number> {
	let n = 0;
	for await (const _ of graph.getStateHistory({ threadId })) n++;
	return n;
}

describe("messages() refuses a removal of an id the list lacks", () => {
	it("fails the node with VALIDATION_FAILED naming the id; the state stays as it was", async () => {
		const { graph, checkpointer } = graphWriting("remove-node", (s) =>
			s.messages.length === 1
				? new AIMessage({ id: "a1", content: "answer" })
				: [new RemoveMessage({ id: "no-such-id" })],
		);
		const t = { threadId: "r" };
		await graph.invoke(
			{ messages: [new HumanMessage({ id: "h1", content: "hi" })] },
			t,
		);
		const before = await checkpointCount(graph, "r");
		await expect(
			graph.invoke(
				{ messages: [new HumanMessage({ id: "h2", content: "again" })] },
				t,
			),
		).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			node: "edit",
			message: expect.stringContaining('"no-such-id"'),
		});
		const state = await graph.getState(t);
		// the input was saved before the node ran; the node's removal never was
		expect(ids(state.values.messages)).toEqual([
			"h1:hi",
			"a1:answer",
			"h2:again",
		]);
		expect(state.next).toEqual(["edit"]);
		expect(await checkpointCount(graph, "r")).toBe(before + 1);
		await checkpointer.close();
	});

	it("updateState refuses it without writing a checkpoint; a removal of an id the same update adds is fine", async () => {
		const { graph, checkpointer } = graphWriting(
			"remove-update",
			() => new AIMessage({ id: "a1", content: "answer" }),
		);
		const t = { threadId: "u" };
		await graph.invoke(
			{ messages: [new HumanMessage({ id: "h1", content: "hi" })] },
			t,
		);
		const before = await checkpointCount(graph, "u");
		const refused = graph.updateState(t, {
			messages: [
				new RemoveMessage({ id: "a1" }),
				new RemoveMessage({ id: "no-such-id" }),
			],
		});
		await expect(refused).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			message: expect.stringContaining('"no-such-id"'),
			hint: expect.any(String),
		});
		expect(await checkpointCount(graph, "u")).toBe(before);
		expect(ids((await graph.getState(t)).values.messages)).toEqual([
			"h1:hi",
			"a1:answer",
		]);
		// the same id twice in one update, and an id added earlier in it, are there to remove
		await graph.updateState(t, {
			messages: [
				new RemoveMessage({ id: "a1" }),
				new RemoveMessage({ id: "a1" }),
				new HumanMessage({ id: "x", content: "added" }),
				new RemoveMessage({ id: "x" }),
			],
		});
		expect(ids((await graph.getState(t)).values.messages)).toEqual(["h1:hi"]);
		await checkpointer.close();
	});

	it("still reads an older thread whose stored write removes an id the list lacks", async () => {
		const { graph, checkpointer } = graphWriting(
			"remove-stored",
			() => new AIMessage({ id: "a1", content: "answer" }),
		);
		await graph.invoke(
			{ messages: [new HumanMessage({ id: "h1", content: "hi" })] },
			{ threadId: "o" },
		);
		const c = (await checkpointer.getTuple({ threadId: "o" }))!.checkpoint;
		const id = `${c.checkpointId.slice(0, -4)}beef`;
		await checkpointer.put(
			{
				...c,
				checkpointId: id,
				parentId: c.checkpointId,
				data: {
					...c.data,
					writes: [["edit", "messages", [new RemoveMessage({ id: "gone" })]]],
				},
			},
			{},
		);
		const state = await graph.getState({ threadId: "o", checkpointId: id });
		expect(ids(state.values.messages)).toEqual(["h1:hi", "a1:answer"]);
		await checkpointer.close();
	});
});

describe("messages() refuses a ToolMessage that answers no tool call of the list", () => {
	it("updateState refuses an orphan naming its tool_call_id, without writing a checkpoint", async () => {
		const { graph, checkpointer } = graphWriting("orphan-update", () =>
			calling("a1", "call-1"),
		);
		const t = { threadId: "o" };
		await graph.invoke(
			{ messages: [new HumanMessage({ id: "h1", content: "hi" })] },
			t,
		);
		const before = await checkpointCount(graph, "o");
		await expect(
			graph.updateState(t, {
				messages: [new ToolMessage({ content: "2", tool_call_id: "call-9" })],
			}),
		).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			message: expect.stringContaining('"call-9"'),
		});
		// an answer to a call whose AI message the same update removes is an orphan too
		await expect(
			graph.updateState(t, {
				messages: [
					new RemoveMessage({ id: "a1" }),
					new ToolMessage({ content: "2", tool_call_id: "call-1" }),
				],
			}),
		).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
		expect(await checkpointCount(graph, "o")).toBe(before);
		// the answer to the call is taken
		await graph.updateState(t, {
			messages: [
				new ToolMessage({ id: "t1", content: "2", tool_call_id: "call-1" }),
			],
		});
		expect(ids((await graph.getState(t)).values.messages)).toEqual([
			"h1:hi",
			"a1:",
			"t1:2",
		]);
		await checkpointer.close();
	});

	it("fails a node that writes an orphan; takes answers to calls of the same update and to id-less calls", async () => {
		const { graph, checkpointer } = graphWriting("orphan-node", (s) => {
			const last = s.messages.at(-1)!;
			if (last.content === "orphan")
				return new ToolMessage({ content: "2", tool_call_id: "nobody-asked" });
			if (last.content === "pair")
				return [
					calling("a2", "call-2"),
					new ToolMessage({ content: "2", tool_call_id: "call-2" }),
				];
			// a call without id is answered under "<message id>:<n>", as toolNode does (decision 0207)
			return [
				new AIMessage({
					id: "a3",
					content: "",
					tool_calls: [{ name: "add", args: {} }],
				}),
				new ToolMessage({ content: "2", tool_call_id: "a3:0" }),
			];
		});
		await expect(
			graph.invoke(
				{ messages: [new HumanMessage("orphan")] },
				{ threadId: "n1" },
			),
		).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			node: "edit",
			message: expect.stringContaining('"nobody-asked"'),
		});
		const pair = await graph.invoke(
			{ messages: [new HumanMessage("pair")] },
			{ threadId: "n2" },
		);
		expect(pair.messages).toHaveLength(3);
		const idless = await graph.invoke(
			{ messages: [new HumanMessage("id-less")] },
			{ threadId: "n3" },
		);
		expect(idless.messages).toHaveLength(3);
		await checkpointer.close();
	});
});
