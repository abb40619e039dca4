// A RemoveMessage of an AI message whose tool calls have answers left in the list (decision 0237): the
// answers would be orphans, which providers refuse on the next model call (a 400). The write is refused
// with VALIDATION_FAILED, from a node, updateState and a run's input alike; nothing is saved. Removing the
// answers with it, a ToolMessage alone, or the whole list is fine; a stored removal still reads.
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
import { messages, REMOVE_ALL_MESSAGES } from "@weft/graph/llm";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

const dir = mkdtempSync(join(tmpdir(), "weft-messages-orphaned-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const State = z.object({ messages: messages() });
const ids = (list: readonly BaseMessage[]) => list.map((m) => m.id);

/** h1, an AI message a1 calling two tools, their answers t1 and t2, and the final answer a2. */
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

/**
 * A thread holding `conversation()`, on a SQLite file of its own, whose node `edit` writes `write()`;
 * the graph pauses before `edit`, so a test resumes it with `invoke(null, …)`.
 */
async function threadWith(name: string, write: () => unknown) {
	const checkpointer = new SqliteCheckpointer({
		path: join(dir, `${name}.db`),
	});
	const graph = new StateGraph(State)
		.addNode("edit", () => ({ messages: write() as never }))
		.addEdge(START, "edit")
		.addEdge("edit", END)
		.compile({ checkpointer, interruptBefore: ["edit"] });
	const t = { threadId: name };
	await graph.invoke({ messages: conversation() }, t);
	return { graph, checkpointer, t };
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

const refusal = (node?: string) => ({
	code: "VALIDATION_FAILED",
	...(node === undefined ? {} : { node }),
	message: expect.stringMatching(/"a1".*"t1", "t2"/),
	hint: expect.stringContaining("same update"),
});

describe("messages() refuses a removal that leaves a tool call's answers without their call", () => {
	it("fails the node that writes it with VALIDATION_FAILED; no checkpoint is written", async () => {
		const { graph, checkpointer, t } = await threadWith(
			"node",
			() => new RemoveMessage({ id: "a1" }),
		);
		const before = await checkpointCount(graph, t.threadId);
		await expect(graph.invoke(null, t)).rejects.toMatchObject(refusal("edit"));
		expect(await checkpointCount(graph, t.threadId)).toBe(before);
		const state = await graph.getState(t);
		expect(ids(state.values.messages)).toEqual(["h1", "a1", "t1", "t2", "a2"]);
		expect(state.next).toEqual(["edit"]);
		await checkpointer.close();
	});

	it("updateState and a run's input refuse it before a checkpoint is written, also with one answer removed", async () => {
		const { graph, checkpointer, t } = await threadWith("update", () => []);
		const before = await checkpointCount(graph, t.threadId);
		await expect(
			graph.updateState(t, { messages: new RemoveMessage({ id: "a1" }) }),
		).rejects.toMatchObject(refusal());
		// t2 stays without its call: named alone
		await expect(
			graph.updateState(t, {
				messages: [
					new RemoveMessage({ id: "t1" }),
					new RemoveMessage({ id: "a1" }),
				],
			}),
		).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			message: expect.stringMatching(/"a1".*"t2"/),
			issues: [expect.objectContaining({ path: ["messages", 1] })],
		});
		await expect(
			graph.invoke(
				{
					messages: [
						new RemoveMessage({ id: "a1" }),
						new HumanMessage({ id: "h2", content: "next" }),
					],
				},
				t,
			),
		).rejects.toMatchObject(refusal());
		expect(await checkpointCount(graph, t.threadId)).toBe(before);
		expect(ids((await graph.getState(t)).values.messages)).toEqual([
			"h1",
			"a1",
			"t1",
			"t2",
			"a2",
		]);
		await checkpointer.close();
	});

	it("takes the AI message removed with all its answers, a ToolMessage removed alone, and REMOVE_ALL_MESSAGES", async () => {
		const { graph, checkpointer, t } = await threadWith("allowed", () => [
			new RemoveMessage({ id: "t2" }),
			new RemoveMessage({ id: "a1" }),
			new RemoveMessage({ id: "t1" }),
		]);
		// from the node: the call and both answers go together
		const out = await graph.invoke(null, t);
		expect(ids(out.messages)).toEqual(["h1", "a2"]);

		const other = await threadWith("alone", () => []);
		// an answer alone: its call waits for one again (a tool node or an approval is due)
		await other.graph.updateState(other.t, {
			messages: new RemoveMessage({ id: "t1" }),
		});
		// an answer whose call another AI message of the list makes (here one the same update adds) has its call
		await other.graph.updateState(other.t, {
			messages: [
				new RemoveMessage({ id: "a1" }),
				new AIMessage({
					id: "a1b",
					content: "again",
					tool_calls: [{ id: "call-2", name: "mul", args: { a: 2 } }],
				}),
			],
		});
		expect(ids((await other.graph.getState(other.t)).values.messages)).toEqual([
			"h1",
			"t2",
			"a2",
			"a1b",
		]);
		await other.graph.updateState(other.t, {
			messages: [
				new RemoveMessage({ id: REMOVE_ALL_MESSAGES }),
				new HumanMessage({ id: "h9", content: "fresh start" }),
			],
		});
		expect(ids((await other.graph.getState(other.t)).values.messages)).toEqual([
			"h9",
		]);
		await checkpointer.close();
		await other.checkpointer.close();
	});

	// left by 0237: replacing a1 by id with a message without its calls orphans t1 and t2 the same way
	it("refuses a replacement of the AI message by id that drops calls whose answers stay; takes one that keeps them", async () => {
		const { graph, t } = await threadWith("replace", () => []);
		const before = await checkpointCount(graph, "replace");
		await expect(
			graph.updateState(t, {
				messages: [new AIMessage({ id: "a1", content: "no tools after all" })],
			}),
		).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			message: expect.stringMatching(
				/replaces the AI message "a1".*"t1", "t2"/,
			),
			hint: expect.stringContaining("RemoveMessage"),
		});
		// the same beside a removal of another message
		await expect(
			graph.updateState(t, {
				messages: [
					new RemoveMessage({ id: "a2" }),
					new AIMessage({ id: "a1", content: "no tools after all" }),
				],
			}),
		).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			message: expect.stringMatching(/replaces the AI message "a1"/),
		});
		expect(await checkpointCount(graph, "replace")).toBe(before);
		// the same calls, new content: fine
		await graph.updateState(t, {
			messages: [
				new AIMessage({
					id: "a1",
					content: "let me compute",
					tool_calls: [
						{ id: "call-1", name: "add", args: { a: 1 } },
						{ id: "call-2", name: "mul", args: { a: 2 } },
					],
				}),
			],
		});
		// dropping the calls together with their answers: fine
		await graph.updateState(t, {
			messages: [
				new RemoveMessage({ id: "t1" }),
				new RemoveMessage({ id: "t2" }),
				new AIMessage({ id: "a1", content: "no tools after all" }),
			],
		});
		expect(ids((await graph.getState(t)).values.messages)).toEqual([
			"h1",
			"a1",
			"a2",
		]);
	});

	it("still reads a thread whose stored write removed such an AI message before", async () => {
		const { graph, checkpointer, t } = await threadWith("stored", () => []);
		const c = (await checkpointer.getTuple(t))!.checkpoint;
		const id = `${c.checkpointId.slice(0, -4)}beef`;
		// the thread's first checkpoint may hold a snapshot of the state: its child holds writes only
		const { snapshot: _, ...data } = c.data;
		await checkpointer.put(
			{
				...c,
				checkpointId: id,
				parentId: c.checkpointId,
				metadata: { ...c.metadata, snapshot: false },
				data: {
					...data,
					writes: [["edit", "messages", [new RemoveMessage({ id: "a1" })]]],
				},
			},
			{},
		);
		const state = await graph.getState({ ...t, checkpointId: id });
		expect(ids(state.values.messages)).toEqual(["h1", "t1", "t2", "a2"]);
		let read = 0;
		for await (const _ of graph.getStateHistory(t)) read++;
		expect(read).toBeGreaterThan(1);
		await checkpointer.close();
	});
});
