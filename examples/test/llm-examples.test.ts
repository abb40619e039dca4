import { describe, expect, it } from "vitest";
import {
	main as agentWithApproval,
	sent,
} from "../src/llm/agent-with-approval.ts";
import { main as ownNodeModel } from "../src/llm/own-node-model.ts";
import { main as promptChain } from "../src/llm/prompt-chain.ts";
import { main as rag } from "../src/llm/rag.ts";
import { scriptedModels, main as supervisor } from "../src/llm/supervisor.ts";
import { main as toolsAndStreaming } from "../src/llm/tools-and-streaming.ts";

describe("@weft/graph/llm examples run offline", () => {
	it("an agent pauses before sending an email, is approved, and the thread's usage adds up both runs", async () => {
		const { paused, done, spent, answer } = await agentWithApproval();
		expect(paused.status).toBe("interrupted");
		expect(paused.interrupts[0]!.value).toMatchObject({
			request: { toolCalls: [{ name: "send_email" }] },
		});
		expect(done.status).toBe("done");
		expect(sent).toEqual(["bob@example.com: The release is on Friday."]);
		expect(answer).toMatch(/Bob knows/);
		expect(spent.calls).toBe(paused.usage.calls + done.usage.calls);
		expect(spent.byNode.agent?.calls).toBe(spent.calls);
	});

	it("a node of one's own calls the model through invokeModel: both calls are in the run's usage", async () => {
		const result = await ownNodeModel();
		expect(result.values).toMatchObject({
			draft: "Owls hunt at night.",
			title: "Night hunters",
		});
		expect(result.usage).toMatchObject({ calls: 2, inputTokens: 60 });
		expect(result.usage.byNode.write?.calls).toBe(2);
	});

	it("a prompt chain feeds each step's output, structured or text, to the next", async () => {
		const result = await promptChain();
		expect(result.status).toBe("done");
		expect(result.values.facts?.facts).toContain("6,650 km long");
		expect(result.values.paragraph).toMatch(/^The Nile/);
	});

	it("retrieval finds the right passage offline and the answer cites it", async () => {
		const { docs, answer } = await rag();
		expect(docs[0]!.metadata).toMatchObject({ source: "leave.md", passage: 0 });
		expect(answer).toMatch(/25 days/);
	});

	it("a supervisor hands work between agents", async () => {
		for (const history of ["shared", "private"] as const) {
			const models = scriptedModels();
			const { result, said } = await supervisor(models, history);
			expect(result.status).toBe("done");
			expect(said.at(-1)).toMatch(/6,650 km/);
			// every model call of every agent is counted once in the run's usage
			const calls = Object.values(models).reduce(
				(n, m) => n + m.calls.length,
				0,
			);
			expect(result.usage.calls).toBe(calls);
		}
	});

	it("streams tokens, refuses a tool the caller has no scope for, and reports usage", async () => {
		const { text, events, usage } = await toolsAndStreaming();
		expect(text).toMatch(/^You have one mail from Bob/);
		expect(events).toEqual([
			expect.objectContaining({
				kind: "tool-refused",
				tool: "delete_mail",
				missing: ["mail:delete"],
			}),
		]);
		expect(usage).toMatchObject({ inputTokens: 300, outputTokens: 36 });
	});
});
