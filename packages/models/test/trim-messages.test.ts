import {
	AIMessage,
	HumanMessage,
	SystemMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { trimByTokens } from "@weft/models";
import { describe, expect, it } from "vitest";

// Every message costs 10 tokens.
const count = (msgs: unknown[]) => msgs.length * 10;

const call = (id: string) =>
	new AIMessage({
		content: "",
		tool_calls: [{ name: "search", args: { q: id }, id, type: "tool_call" }],
	});
const result = (id: string) =>
	new ToolMessage({ content: `result ${id}`, tool_call_id: id });

const history = () => [
	new SystemMessage("sys"),
	new HumanMessage("h1"),
	new AIMessage("a1"),
	new HumanMessage("h2"),
	call("c1"),
	result("c1"),
	new AIMessage("a2"),
	new HumanMessage("h3"),
	new AIMessage("a3"),
];

const texts = (msgs: { content: unknown }[]) =>
	msgs.map((m) => String(m.content));

describe("trimByTokens", () => {
	it("keeps the system message and the most recent turns that fit", async () => {
		const out = await trimByTokens(history(), {
			maxTokens: 30,
			tokenCounter: count,
		});
		expect(texts(out.messages)).toEqual(["sys", "h3", "a3"]);
		expect(out.removed).toHaveLength(6);
		expect(out).toMatchObject({ tokensBefore: 90, tokensAfter: 30 });
	});

	it("never splits an AI tool call from its ToolMessages", async () => {
		const both = await trimByTokens(history(), {
			maxTokens: 60,
			tokenCounter: count,
			startOnHuman: false,
		});
		expect(texts(both.messages)).toEqual([
			"sys",
			"",
			"result c1",
			"a2",
			"h3",
			"a3",
		]);
		// 50 tokens would keep the ToolMessage without its call: both go.
		const neither = await trimByTokens(history(), {
			maxTokens: 50,
			tokenCounter: count,
			startOnHuman: false,
		});
		expect(texts(neither.messages)).toEqual(["sys", "a2", "h3", "a3"]);
		const withHuman = await trimByTokens(history(), {
			maxTokens: 70,
			tokenCounter: count,
		});
		expect(withHuman.messages.map((m) => m.getType())).toEqual([
			"system",
			"human",
			"ai",
			"tool",
			"ai",
			"human",
			"ai",
		]);
	});

	it("never splits a malformed tool call (invalid_tool_calls only) from the ToolMessage that answers it", async () => {
		const malformed = new AIMessage({
			content: "",
			invalid_tool_calls: [
				{
					name: "search",
					args: "{oops",
					id: "bad",
					error: "not JSON",
					type: "invalid_tool_call",
				},
			],
		});
		const msgs = [
			new SystemMessage("sys"),
			new HumanMessage("h1"),
			malformed,
			result("bad"),
			call("c2"),
			result("c2"),
			new AIMessage("a2"),
		];
		// 50 tokens keep sys + 4 messages: the answer to the malformed call would stay without it
		const trimmed = await trimByTokens(msgs, {
			maxTokens: 50,
			tokenCounter: count,
			startOnHuman: false,
		});
		expect(texts(trimmed.messages)).toEqual(["sys", "", "result c2", "a2"]);
	});

	it("keeps at most the last N turns", async () => {
		const out = await trimByTokens(history(), {
			maxTokens: 1000,
			keepLastTurns: 2,
			tokenCounter: count,
		});
		expect(texts(out.messages)).toEqual([
			"sys",
			"h2",
			"",
			"result c1",
			"a2",
			"h3",
			"a3",
		]);
	});

	it("keeps the newest human turn whole when it alone is over budget, and says so", async () => {
		const out = await trimByTokens(history(), {
			maxTokens: 5,
			tokenCounter: count,
		});
		expect(texts(out.messages)).toEqual(["sys", "h3", "a3"]);
		expect(out).toMatchObject({ tokensAfter: 30, overBudget: true });
		// The audit's case: never the system message and an AI answer alone.
		const weather = await trimByTokens(
			[
				new SystemMessage("sys"),
				new HumanMessage(
					"a fairly long question about the weather in Lisbon in May?",
				),
				new AIMessage("Sunny."),
			],
			{ maxTokens: 12 },
		);
		expect(weather.messages.map((m) => m.getType())).toEqual([
			"system",
			"human",
			"ai",
		]);
		expect(weather.overBudget).toBe(true);
		// Without startOnHuman, the last unit alone is the floor.
		const last = await trimByTokens(history(), {
			maxTokens: 5,
			tokenCounter: count,
			startOnHuman: false,
		});
		expect(texts(last.messages)).toEqual(["sys", "a3"]);
		const fits = await trimByTokens(history(), {
			maxTokens: 30,
			tokenCounter: count,
		});
		expect(fits.overBudget).toBe(false);
	});

	it("can drop the system message", async () => {
		const noSys = await trimByTokens(history(), {
			maxTokens: 20,
			tokenCounter: count,
			keepSystem: false,
		});
		expect(texts(noSys.messages)).toEqual(["h3", "a3"]);
	});

	it("uses the character estimate by default and rejects a bad budget", async () => {
		const long = [
			new HumanMessage("x".repeat(400)),
			new AIMessage("y".repeat(400)),
			new HumanMessage("short"),
		];
		const out = await trimByTokens(long, { maxTokens: 50 });
		expect(texts(out.messages)).toEqual(["short"]);
		for (const maxTokens of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
			await expect(trimByTokens(long, { maxTokens })).rejects.toMatchObject({
				code: "CONFIG_INVALID",
				hint: expect.any(String),
			});
		}
		await expect(
			trimByTokens(long, { maxTokens: 10, keepLastTurns: -1 }),
		).rejects.toMatchObject({ code: "CONFIG_INVALID" });
	});

	it("refuses messages that are not a list of messages, and missing options, with CONFIG_INVALID", async () => {
		// these were TypeErrors ("messages[h]?.getType is not a function", "reading 'maxTokens'")
		for (const bad of ["hi", null, [{ role: "user", content: "hi" }]])
			await expect(
				trimByTokens(bad as never, { maxTokens: 10 }),
			).rejects.toMatchObject({
				code: "CONFIG_INVALID",
				hint: expect.any(String),
			});
		await expect(
			trimByTokens([new HumanMessage("x")], undefined as never),
		).rejects.toMatchObject({
			code: "CONFIG_INVALID",
			hint: expect.any(String),
		});
		// the budget has no default: the hint said to leave it out "for the default"
		const missing = await trimByTokens(
			[new HumanMessage("x")],
			{} as never,
		).catch((e: { hint?: string }) => e);
		expect(missing).toMatchObject({ code: "CONFIG_INVALID" });
		expect((missing as { hint: string }).hint).not.toContain("for the default");
		expect((missing as { hint: string }).hint).toContain("no default");
	});
});
