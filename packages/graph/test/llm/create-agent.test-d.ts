import type { BaseMessage } from "@langchain/core/messages";
import type {
	CompiledGraph,
	InferNodeName,
	InferState,
	RunResult,
} from "@weft/graph";
import {
	type AgentState,
	type ApprovalResponse,
	createAgent,
	createSupervisor,
	ScriptedChatModel,
	type toolApproval,
} from "@weft/graph/llm";
import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { makeTools } from "./fixtures.ts";

const model = new ScriptedChatModel([]);
const { add, sendEmail } = makeTools();

describe("createAgent types", () => {
	it("is a compiled graph over messages with typed nodes", () => {
		const agent = createAgent({
			model,
			tools: [add, sendEmail],
			approve: ["send_email"],
		});
		expectTypeOf(agent).toEqualTypeOf<
			CompiledGraph<AgentState, "agent" | "tools" | "approve">
		>();
		expectTypeOf<InferState<typeof agent>>().toEqualTypeOf<{
			messages: BaseMessage[];
		}>();
		expectTypeOf<InferNodeName<typeof agent>>().toEqualTypeOf<
			"agent" | "tools" | "approve"
		>();
		expectTypeOf(agent.run).returns.resolves.toEqualTypeOf<
			RunResult<{ messages: BaseMessage[] }>
		>();
		createSupervisor({ agents: { a: agent }, model });
	});

	it("types approval answers", () => {
		expectTypeOf<{ action: "approve" }>().toExtend<ApprovalResponse>();
		expectTypeOf<{
			action: "reject";
			reason: string;
		}>().toExtend<ApprovalResponse>();
		expectTypeOf<{
			action: "edit";
			args: { to: string };
		}>().toExtend<ApprovalResponse>();
		expectTypeOf<{
			byId: Record<string, { action: "approve" }>;
		}>().toExtend<ApprovalResponse>();
		expectTypeOf<{ action: "maybe" }>().not.toExtend<ApprovalResponse>();
		expectTypeOf<
			z.output<typeof toolApproval.request>["toolCalls"][number]
		>().toEqualTypeOf<{
			id: string;
			name: string;
			args: Record<string, unknown>;
		}>();
	});

	it("rejects wrong options", () => {
		// @ts-expect-error tools are tools, not names
		createAgent({ model, tools: ["add"] });
		// @ts-expect-error approve lists tool names
		createAgent({ model, tools: [add], approve: add });
		// @ts-expect-error maxSteps is a number
		createAgent({ model, tools: [add], maxSteps: "3" });
	});

	it("takes the graph's compile options, interrupts typed by the agent's nodes (decision 0126)", () => {
		createAgent({
			model,
			tools: [add],
			leaseTtlMs: 600,
			interruptBefore: ["tools"],
			interruptAfter: ["agent", "approve"],
			snapshots: { minSteps: 8 },
		});
		// @ts-expect-error an agent has no node "review"
		createAgent({ model, tools: [add], interruptBefore: ["review"] });
		// @ts-expect-error leaseTtlMs is a number of ms
		createAgent({ model, tools: [add], leaseTtlMs: "1s" });
	});
});
