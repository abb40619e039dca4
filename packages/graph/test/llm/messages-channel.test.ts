import {
	AIMessage,
	HumanMessage,
	RemoveMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { END, MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { applyMessages, messages, REMOVE_ALL_MESSAGES } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({ messages: messages() });
const text = (list: { content: unknown }[]) => list.map((m) => m.content);

describe("messages() channel", () => {
	it("appends one message or several, giving ids to messages without one", async () => {
		const graph = new StateGraph(State)
			.addNode("a", () => ({ messages: new AIMessage("one") }))
			.addNode("b", () => ({
				messages: [
					new AIMessage("two"),
					new AIMessage({ content: "three", id: "m3" }),
				],
			}))
			.addEdge(START, "a")
			.addEdge("a", "b")
			.compile();
		const out = await graph.invoke({ messages: [new HumanMessage("hi")] });
		expect(text(out.messages)).toEqual(["hi", "one", "two", "three"]);
		expect(
			out.messages.every((m) => typeof m.id === "string" && m.id !== ""),
		).toBe(true);
		expect(out.messages[3]?.id).toBe("m3");
	});

	it("replaces a message with the same id in place", () => {
		const list = applyMessages(
			[],
			[
				new HumanMessage({ content: "a", id: "1" }),
				new AIMessage({ content: "b", id: "2" }),
				new HumanMessage({ content: "c", id: "3" }),
			],
		);
		const next = applyMessages(list, new AIMessage({ content: "B", id: "2" }));
		expect(text(next)).toEqual(["a", "B", "c"]);
		expect(text(list)).toEqual(["a", "b", "c"]); // the old list is untouched
	});

	it("removes by id, clears with REMOVE_ALL_MESSAGES, and refuses unknown ids (decision 0235)", () => {
		const list = applyMessages(
			[],
			[
				new HumanMessage({ content: "a", id: "1" }),
				new AIMessage({ content: "b", id: "2" }),
				new HumanMessage({ content: "c", id: "3" }),
			],
		);
		expect(() =>
			applyMessages(list, [
				new RemoveMessage({ id: "2" }),
				new RemoveMessage({ id: "nope" }),
			]),
		).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
		expect(text(list)).toEqual(["a", "b", "c"]);
		const removed = applyMessages(list, [
			new RemoveMessage({ id: "2" }),
			new AIMessage({ content: "d", id: "4" }),
		]);
		expect(text(removed)).toEqual(["a", "c", "d"]);
		const after = applyMessages(
			removed,
			new AIMessage({ content: "C", id: "3" }),
		);
		expect(text(after)).toEqual(["a", "C", "d"]);
		const cleared = applyMessages(after, [
			new RemoveMessage({ id: REMOVE_ALL_MESSAGES }),
			new HumanMessage("fresh"),
		]);
		expect(text(cleared)).toEqual(["fresh"]);
	});

	it("keeps ids right on lists that branched from one another (time travel)", () => {
		const base = applyMessages(
			[],
			[new HumanMessage({ content: "a", id: "1" })],
		);
		const left = applyMessages(base, new AIMessage({ content: "L", id: "x" }));
		const right = applyMessages(base, [
			new AIMessage({ content: "R", id: "y" }),
			new AIMessage({ content: "R2", id: "x" }),
		]);
		// left has "x" at 1, right has it at 2: each list must find its own
		expect(
			text(applyMessages(left, new AIMessage({ content: "L!", id: "x" }))),
		).toEqual(["a", "L!"]);
		expect(
			text(applyMessages(right, new AIMessage({ content: "R2!", id: "x" }))),
		).toEqual(["a", "R", "R2!"]);
		expect(
			text(applyMessages(base, new AIMessage({ content: "b", id: "x" }))),
		).toEqual(["a", "b"]);
	});

	it("rejects updates that are not messages, naming the key", async () => {
		const graph = new StateGraph(State)
			.addNode("bad", () => ({
				messages: [{ nope: "hi" }] as never,
			}))
			.addEdge(START, "bad")
			.compile();
		await expect(graph.invoke({ messages: [] })).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			node: "bad",
			message: expect.stringContaining('"messages[0]"'),
		});
		await expect(
			graph.invoke({ messages: [42 as never] }),
		).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
		});
	});

	it("reads a stored write that is not a list of messages as CORRUPT_CHECKPOINT", async () => {
		// what the update schema accepts as input (a string, { role, content }, one message) but never
		// stores: a stored write is its output, a list of messages, and is replayed as it is
		const cp = new MemoryCheckpointer();
		const graph = new StateGraph(State)
			.addNode("a", () => ({ messages: new AIMessage("one") }))
			.addEdge(START, "a")
			.compile({ checkpointer: cp });
		const stored: unknown[] = [
			"hi",
			{ role: "user", content: "hi" },
			[{ role: "user", content: "hi" }],
			new AIMessage({ content: "one", id: "m1" }),
			[new AIMessage({ content: "one", id: "m1" }), "hi"],
			[null],
			{ length: 1, 0: new AIMessage({ content: "one", id: "m1" }) },
		];
		// a run on thread "t", then a child of its newest checkpoint that stored `value` as a messages write
		const childStoring = async (value: unknown) => {
			await graph.invoke(
				{ messages: [new HumanMessage("hi")] },
				{ threadId: "t" },
			);
			const c = (await cp.getTuple({ threadId: "t" }))!.checkpoint;
			const id = `${c.checkpointId.slice(0, -4)}beef`;
			await cp.put(
				{
					...c,
					checkpointId: id,
					parentId: c.checkpointId,
					data: { ...c.data, writes: [["a", "messages", value]] },
				},
				{},
			);
			return id;
		};
		for (const value of stored) {
			const id = await childStoring(value);
			await expect(
				graph.getState({ threadId: "t", checkpointId: id }),
			).rejects.toMatchObject({
				code: "CORRUPT_CHECKPOINT",
				message: expect.stringContaining('"messages"'),
			});
			await cp.deleteThread("t");
		}
		// a list of messages (the stored form) reads back
		const id = await childStoring([
			new AIMessage({ content: "two", id: "m2" }),
		]);
		const snap = await graph.getState({ threadId: "t", checkpointId: id });
		expect(text(snap.values.messages)).toEqual(["hi", "one", "two"]);
	});

	it("reads every checkpoint of a chain of appends, replacements and removals as the run had it", async () => {
		// getState replays a checkpoint's whole chain in one fold per key; the history, one checkpoint at a time
		const steps: (() => unknown)[] = [
			() => new AIMessage({ content: "a1", id: "a1" }),
			() => [
				new AIMessage("a2"),
				new HumanMessage({ content: "h1", id: "h1" }),
			],
			() => new AIMessage({ content: "A1", id: "a1" }),
			() => [],
			() => [
				new RemoveMessage({ id: "h1" }),
				new AIMessage({ content: "a3", id: "a3" }),
			],
			() => [
				new AIMessage({ content: "a4", id: "a4" }),
				new AIMessage({ content: "A3", id: "a3" }),
			],
			() => new RemoveMessage({ id: "a4" }),
			() => [
				new RemoveMessage({ id: REMOVE_ALL_MESSAGES }),
				new HumanMessage({ content: "h2", id: "h2" }),
			],
			() => new AIMessage({ content: "a5", id: "a5" }),
			() => new AIMessage({ content: "H2", id: "h2" }),
		];
		const Counted = z.object({ messages: messages(), i: z.number() });
		let graph = new StateGraph(Counted).addNode("n", (s) => ({
			messages: steps[s.i]!() as never,
			i: s.i + 1,
		}));
		graph = graph
			.addEdge(START, "n")
			.addConditionalEdges("n", (s) => (s.i < steps.length ? "n" : END), [
				"n",
				END,
			]);
		const compiled = graph.compile({ checkpointer: new MemoryCheckpointer() });
		const t = { threadId: "t" };
		const out = await compiled.invoke(
			{ messages: [new HumanMessage({ content: "h0", id: "h0" })], i: 0 },
			t,
		);
		expect(text(out.messages)).toEqual(["H2", "a5"]);
		const seen: string[][] = [];
		for await (const h of compiled.getStateHistory(t)) {
			const one = await compiled.getState({
				...t,
				checkpointId: h.checkpointId,
			});
			const ids = (list: { id?: string | undefined }[]) =>
				list.map((m) => m.id ?? "");
			expect(ids(one.values.messages)).toEqual(ids(h.values.messages));
			expect(text(one.values.messages)).toEqual(text(h.values.messages));
			seen.push(text(one.values.messages) as string[]);
		}
		expect(seen).toContainEqual(["h0", "A1", "a2", "h1"]);
		expect(seen).toContainEqual(["h0", "A1", "a2", "a3"]);
		expect(seen).toContainEqual(["h0", "A1", "a2", "A3", "a4"]);
	});

	it("round-trips messages and their ids through a checkpointer", async () => {
		const graph = new StateGraph(State)
			.addNode("a", () => ({
				messages: [
					new AIMessage({
						content: "",
						tool_calls: [{ id: "c1", name: "t", args: { x: 1 } }],
					}),
					new ToolMessage({ content: "ok", tool_call_id: "c1" }),
				],
			}))
			.addEdge(START, "a")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const out = await graph.invoke(
			{ messages: [new HumanMessage("hi")] },
			{ threadId: "t" },
		);
		const snap = await graph.getState({ threadId: "t" });
		expect(snap.values.messages.map((m) => m.id)).toEqual(
			out.messages.map((m) => m.id),
		);
		expect(snap.values.messages[1]).toBeInstanceOf(AIMessage);
		expect(
			(snap.values.messages[1] as AIMessage).tool_calls?.[0]?.args,
		).toEqual({ x: 1 });
		expect(snap.values.messages[2]).toBeInstanceOf(ToolMessage);
		const again = await graph.getState({ threadId: "t" });
		expect(again.values.messages.map((m) => m.id)).toEqual(
			out.messages.map((m) => m.id),
		);
	});
});
