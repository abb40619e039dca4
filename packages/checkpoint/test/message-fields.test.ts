import "@weft/checkpoint/langchain";
import {
	AIMessage,
	AIMessageChunk,
	type BaseMessage,
	HumanMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { JsonSerializer } from "@weft/checkpoint";
import { describe, expect, it, vi } from "vitest";

/** A message's stored fields (inline beside its class: decision 0276) and the message read back. */
const stored = (m: BaseMessage, s = new JsonSerializer()) => {
	const bytes = s.serialize({ m });
	const text = new TextDecoder().decode(bytes.subarray(1));
	const { "\u0000lc": _class, ...data } = (
		JSON.parse(text) as { m: Record<string, unknown> }
	).m;
	expect(_class).toBe(m.constructor.name);
	return { data, back: (s.deserialize(bytes) as { m: BaseMessage }).m };
};

// decision 0060: a field the constructor sets to the same empty value when it is missing is not stored
describe("stored message fields", () => {
	it("leaves out empty defaults and reads back the same message", () => {
		const messages = [
			new HumanMessage({ content: "hi", id: "h1" }),
			new AIMessage({
				content: "calling",
				id: "a1",
				tool_calls: [
					{ id: "c1", name: "f", args: { q: 1 }, type: "tool_call" },
				],
			}),
			new AIMessage({ content: "done", id: "a2" }),
			new ToolMessage({
				content: "r",
				tool_call_id: "c1",
				name: "f",
				id: "t1",
			}),
		];
		for (const m of messages) {
			const { data, back } = stored(m);
			expect(Object.keys(data)).not.toContain("additional_kwargs");
			expect(Object.keys(data)).not.toContain("response_metadata");
			expect(Object.keys(data)).not.toContain("invalid_tool_calls");
			expect(back.constructor).toBe(m.constructor);
			expect(back.toDict()).toEqual(m.toDict());
		}
		expect(Object.keys(stored(messages[2]!).data)).not.toContain("tool_calls");
		expect(stored(messages[1]!).data).toHaveProperty("tool_calls");
	});

	it("keeps fields that are not empty, and those whose absence the constructor reads otherwise", () => {
		// raw tool calls: without tool_calls the constructor would parse them into tool calls (LangChain
		// warns about raw tool calls beside empty tool_calls, here on purpose)
		vi.spyOn(console, "warn").mockImplementation(() => {});
		const raw = new AIMessage({
			content: "",
			id: "a3",
			tool_calls: [],
			additional_kwargs: {
				tool_calls: [
					{
						id: "c2",
						type: "function",
						function: { name: "f", arguments: "{}" },
					},
				],
			},
		});
		const kept = stored(raw);
		expect(kept.data).toHaveProperty("tool_calls", []);
		expect(kept.data).toHaveProperty("additional_kwargs");
		expect((kept.back as AIMessage).tool_calls).toEqual([]);
		expect(kept.back.toDict()).toEqual(raw.toDict());

		const meta = new AIMessage({
			content: "x",
			id: "a4",
			response_metadata: { model: "m" },
			invalid_tool_calls: [
				{
					id: "c3",
					name: "f",
					args: "{",
					error: "bad",
					type: "invalid_tool_call",
				},
			],
		});
		const full = stored(meta);
		expect(full.data).toHaveProperty("response_metadata", { model: "m" });
		expect(full.data).toHaveProperty("invalid_tool_calls");
		expect(full.back.toDict()).toEqual(meta.toDict());

		// chunks keep their list fields (their constructor is another)
		const chunk = new AIMessageChunk({ content: "par", id: "k1" });
		const c = stored(chunk);
		expect(c.data).not.toHaveProperty("additional_kwargs");
		expect(c.back.toDict()).toEqual(chunk.toDict());
	});

	it("reads messages stored with every field, as earlier versions wrote them", () => {
		const s = new JsonSerializer();
		const m = new AIMessage({ content: "old", id: "a5" });
		const text = JSON.stringify({
			m: {
				"\u0000weft": "langchain.message",
				v: {
					class: "AIMessage",
					data: {
						content: "old",
						tool_calls: [],
						invalid_tool_calls: [],
						additional_kwargs: {},
						response_metadata: {},
						id: "a5",
					},
				},
			},
		});
		const bytes = new Uint8Array([0x74, ...new TextEncoder().encode(text)]);
		const back = (s.deserialize(bytes) as { m: AIMessage }).m;
		expect(back).toBeInstanceOf(AIMessage);
		expect(back.toDict()).toEqual(m.toDict());
	});
});
