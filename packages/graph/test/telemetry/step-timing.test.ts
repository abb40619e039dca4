import { HumanMessage } from "@langchain/core/messages";
import { MemoryCheckpointer, readStepTiming } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";

describe("step timing in checkpoint metadata (no OpenTelemetry provider registered)", () => {
	it("records node and model durations per step, and no trace context", async () => {
		const checkpointer = new MemoryCheckpointer();
		const agent = createAgent({
			model: new ScriptedChatModel({ model: "m1", replies: ["hi"] }),
			checkpointer,
			name: "greeter",
		});
		await agent.run(
			{ messages: [new HumanMessage("hello")] },
			{ threadId: "s1" },
		);
		const all = [];
		for await (const c of checkpointer.list({ threadId: "s1" })) all.push(c);
		const timed = all.filter((c) => readStepTiming(c.metadata) !== undefined);
		expect(timed).toHaveLength(1);
		const timing = readStepTiming(timed[0]!.metadata)!;
		expect(timing.graph).toBe("greeter");
		expect(timing.nodes.agent).toHaveLength(1);
		expect(timing.models.m1).toHaveLength(1);
		expect(timing.nodes.agent![0]).toBeGreaterThanOrEqual(0);
		expect(all.some((c) => "traceparent" in c.metadata)).toBe(false);
	});
});
