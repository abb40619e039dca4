import { HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { END, START, StateGraph } from "@weft/graph";
import {
	messages,
	requiredScopes,
	toolNode,
	withScopes,
} from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { askTools, makeTools } from "./fixtures.ts";

const State = z.object({ messages: messages() });

function build(
	node: ReturnType<typeof toolNode>,
	...calls: Parameters<typeof askTools>
) {
	return new StateGraph(State)
		.addNode("model", () => ({ messages: askTools(...calls) }))
		.addNode("tools", node)
		.addEdge(START, "model")
		.addEdge("model", "tools")
		.addEdge("tools", END)
		.compile();
}

async function run(
	graph: ReturnType<typeof build>,
	context: Record<string, unknown>,
) {
	const events: unknown[] = [];
	let values: { messages: unknown[] } | undefined;
	for await (const ev of graph.stream(
		{ messages: [new HumanMessage("go")] },
		{ context, mode: ["custom", "values"] },
	)) {
		if (ev.type === "custom") events.push(ev.data);
		if (ev.type === "values") values = ev.data;
	}
	const answers = (values?.messages ?? []).filter((m): m is ToolMessage =>
		ToolMessage.isInstance(m),
	);
	return { events, answers };
}

describe("tool access control", () => {
	it("refuses a call whose scopes the caller lacks, with a ToolMessage and an event, never running it", async () => {
		const { sendEmail, calls } = makeTools();
		const send = withScopes(sendEmail, ["mail:send"]);
		expect(requiredScopes(send)).toEqual(["mail:send"]);
		const graph = build(toolNode([send]), {
			name: "send_email",
			args: { to: "a@b.co", body: "hi" },
			id: "m1",
		});
		const refused = await run(graph, { scopes: ["mail:read"] });
		expect(refused.answers[0]).toMatchObject({
			tool_call_id: "m1",
			status: "error",
		});
		expect(refused.answers[0]?.content).toMatch(
			/needs the scope\(s\) mail:send/,
		);
		expect(refused.events).toEqual([
			{
				kind: "tool-refused",
				tool: "send_email",
				toolCallId: "m1",
				reason: "scopes",
				missing: ["mail:send"],
			},
		]);
		expect(calls.send_email).toBe(0);
		const none = await run(graph, {});
		expect(none.answers[0]?.status).toBe("error");
		expect(calls.send_email).toBe(0);
		const allowed = await run(graph, { scopes: ["mail:send"] });
		expect(allowed.answers[0]?.status).toBe("success");
		const wildcard = await run(graph, { scopes: ["mail:*"] });
		expect(wildcard.answers[0]?.status).toBe("success");
		expect(calls.send_email).toBe(2);
	});

	it("reads required scopes from the tool's metadata", async () => {
		const wipe = tool(async () => "wiped", {
			name: "wipe",
			description: "wipes",
			schema: z.object({}),
			metadata: { scopes: ["admin"] },
		});
		const graph = build(toolNode([wipe]), { name: "wipe", args: {}, id: "w" });
		expect((await run(graph, { scopes: ["user"] })).answers[0]?.status).toBe(
			"error",
		);
		expect((await run(graph, { scopes: ["admin"] })).answers[0]?.content).toBe(
			"wiped",
		);
	});

	it("refuses tools outside the node's allow-list", async () => {
		const { add, sendEmail, calls } = makeTools();
		const graph = build(
			toolNode([add, sendEmail], { allow: ["add"] }),
			{ name: "add", args: { a: 1, b: 2 }, id: "a" },
			{ name: "send_email", args: { to: "a@b.co", body: "x" }, id: "s" },
		);
		const { answers, events } = await run(graph, {});
		expect(answers.map((m) => [m.tool_call_id, m.status])).toEqual([
			["a", "success"],
			["s", "error"],
		]);
		expect(answers[1]?.content).toMatch(/not allowed/);
		expect(events).toEqual([
			{
				kind: "tool-refused",
				tool: "send_email",
				toolCallId: "s",
				reason: "not-allowed",
			},
		]);
		expect(calls).toMatchObject({ add: 1, send_email: 0 });
	});
});

describe("tool config", () => {
	it("gives tools the run's context in config.configurable", async () => {
		const whoami = tool(
			async (_args, config) => `user ${String(config?.configurable?.userId)}`,
			{
				name: "whoami",
				description: "who is asking",
				schema: z.object({}),
			},
		);
		const graph = build(toolNode([whoami]), {
			name: "whoami",
			args: {},
			id: "w",
		});
		const { answers } = await run(graph, { userId: "u-7" });
		expect(answers[0]?.content).toBe("user u-7");
	});
});
