import { type AIMessageChunk, HumanMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { START, StateGraph } from "@weft/graph";
import {
	type ChatModelLike,
	llmNode,
	messages,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({ messages: messages() });

const graphOf = (model: ChatModelLike, stream = true) =>
	new StateGraph(State)
		.addNode("llm", llmNode({ model, stream }))
		.addEdge(START, "llm")
		.compile({ checkpointer: new MemoryCheckpointer() });

/** The message events' chunk ids and the stored answer's id, after one turn. */
async function turn(model: ChatModelLike, threadId: string, stream = true) {
	const graph = graphOf(model, stream);
	const ids: (string | undefined)[] = [];
	for await (const ev of graph.stream(
		{ messages: [new HumanMessage("hi")] },
		{ threadId, mode: ["messages"] },
	))
		if (ev.type === "message") ids.push((ev.chunk as AIMessageChunk).id);
	const state = await graph.getState({ threadId });
	return { ids, stored: state.values.messages.at(-1)?.id };
}

describe("one message id per model call (as LangGraph's run-<uuid>)", () => {
	it("gives every chunk of a streamed call without provider ids the same id, kept by the stored answer", async () => {
		const model = new FakeListChatModel({ responses: ["hello there"] });
		const { ids, stored } = await turn(model, "t1");
		expect(ids.length).toBeGreaterThan(1);
		expect(new Set(ids).size).toBe(1);
		expect(ids[0]).toMatch(/^run-[0-9a-f-]{36}$/);
		expect(stored).toBe(ids[0]);
	});

	it("gives each call its own id", async () => {
		const model = new FakeListChatModel({ responses: ["one", "two"] });
		const first = await turn(model, "t2");
		const second = await turn(model, "t2");
		expect(second.ids[0]).toMatch(/^run-/);
		expect(second.ids[0]).not.toBe(first.ids[0]);
	});

	it("keeps the provider's id on chunks and answer", async () => {
		const model = new ScriptedChatModel({
			replies: ["a b c"],
			idPrefix: "prov",
		});
		const { ids, stored } = await turn(model, "t3");
		expect(new Set(ids)).toEqual(new Set(["prov-0"]));
		expect(stored).toBe("prov-0");
	});

	it("gives an invoked answer without an id a run- id", async () => {
		const model = new FakeListChatModel({ responses: ["plain"] });
		const { ids, stored } = await turn(model, "t4", false);
		expect(ids).toEqual([]);
		expect(stored).toMatch(/^run-[0-9a-f-]{36}$/);
	});
});
