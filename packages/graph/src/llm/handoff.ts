import { type BaseMessage, ToolMessage } from "@langchain/core/messages";
import { type DynamicStructuredTool, tool } from "@langchain/core/tools";
import { z } from "zod";

/** What a handoff ToolMessage carries as its artifact. */
export interface HandoffArtifact {
	handoff: string;
	message?: string | undefined;
}

const schema = z.object({
	message: z
		.string()
		.optional()
		.describe("What the next agent should know or do"),
});

/**
 * A tool that passes control to the agent `agentName`, with a message. An agent from `createAgent` stops
 * after calling it, and `createSupervisor` runs the named agent next.
 * @example
 * const researcher = createAgent({ model, tools: [search, handoffTool("writer")], name: "researcher" });
 */
export function handoffTool(
	agentName: string,
	options: { name?: string; description?: string } = {},
): DynamicStructuredTool<typeof schema> {
	return tool(
		async ({ message }): Promise<[string, HandoffArtifact]> => [
			`Transferred to ${agentName}${message ? `: ${message}` : "."}`,
			{ handoff: agentName, ...(message ? { message } : {}) },
		],
		{
			name:
				options.name ??
				`transfer_to_${agentName.replace(/[^a-zA-Z0-9_-]/g, "_")}`,
			description:
				options.description ??
				`Hand the conversation over to the agent "${agentName}".`,
			schema,
			responseFormat: "content_and_artifact",
		},
	) as DynamicStructuredTool<typeof schema>;
}

/** The handoff in the latest batch of tool results (the ToolMessages at the end), if any. */
export function handoffTarget(
	list: readonly BaseMessage[],
): HandoffArtifact | undefined {
	for (let i = list.length - 1; i >= 0; i--) {
		const m = list[i];
		if (!ToolMessage.isInstance(m)) return undefined;
		const artifact = m.artifact as Partial<HandoffArtifact> | undefined;
		if (m.status !== "error" && typeof artifact?.handoff === "string")
			return artifact as HandoffArtifact;
	}
	return undefined;
}
