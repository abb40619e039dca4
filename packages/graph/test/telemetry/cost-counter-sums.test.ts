// Outside check (7 Dec): the `weft.model.cost` counter summed raw floats, so three $0.1 answers read
// 0.30000000000000004 while `RunResult.usage.costUsd` said 0.3 (decision 0244 rounds cost sums; 0251).
import { HumanMessage } from "@langchain/core/messages";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());

it("the cost counter sums as the run's usage does, without float noise", async () => {
	const answer = {
		content: "ok",
		responseMetadata: { weft: { costUsd: 0.1 } },
	};
	const agent = createAgent({
		model: new ScriptedChatModel({
			model: "priced-model",
			replies: [answer],
			repeatLast: true,
		}),
		checkpointer: new MemoryCheckpointer(),
		name: "cost-sums",
	});
	for (const threadId of ["c1", "c2", "c3"])
		await agent.run({ messages: [new HumanMessage("hi")] }, { threadId });
	const cost = (await otel.metric("weft.model.cost")).find(
		(p) => p.attributes["gen_ai.request.model"] === "priced-model",
	);
	expect(cost?.value).toBe(0.3);
});

it("the token and cost counters hold the calls made for the answer (a router's summariser, a guard's classifier), as the run's usage does", async () => {
	const agent = createAgent({
		model: new ScriptedChatModel({
			model: "routed-model",
			replies: [
				{
					content: "ok",
					usage: { input: 100, output: 10 },
					responseMetadata: {
						weft: {
							costUsd: 0.2,
							sideCalls: [
								{
									model: "summariser-model",
									route: "context.summarize",
									inputTokens: 50,
									outputTokens: 5,
									costUsd: 0.1,
								},
							],
						},
					},
				},
			],
		}),
		checkpointer: new MemoryCheckpointer(),
		name: "side-call-sums",
	});
	const r = await agent.run(
		{ messages: [new HumanMessage("hi")] },
		{ threadId: "s1" },
	);
	expect(r.usage.costUsd).toBe(0.3);
	const mine = (p: { attributes: Record<string, unknown> }) =>
		p.attributes["gen_ai.request.model"] === "routed-model" ||
		p.attributes["gen_ai.response.model"] === "summariser-model";
	const cost = (await otel.metric("weft.model.cost")).filter(mine);
	expect(
		cost.map((p) => [p.attributes["gen_ai.response.model"], p.value]),
	).toEqual(
		expect.arrayContaining([
			["routed-model", 0.2],
			["summariser-model", 0.1],
		]),
	);
	const tokens = (await otel.metric("weft.model.tokens")).filter(
		(p) => mine(p as never) && p.attributes["gen_ai.token.type"] === "input",
	);
	expect(tokens.reduce((n, p) => n + (p.value as number), 0)).toBe(
		r.usage.inputTokens,
	);
});
