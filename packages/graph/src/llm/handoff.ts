import { type BaseMessage, ToolMessage } from "@langchain/core/messages";
import {
	type DynamicStructuredTool,
	type StructuredToolInterface,
	tool,
} from "@langchain/core/tools";
import { keysOf } from "@weft/checkpoint";
import { z } from "zod";
import { shown } from "../shown.ts";
import {
	checkOptionObject,
	invalidOption,
	TOOL_NAME,
} from "./check-options.ts";

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

const HANDOFF_OPTION_KEYS = keysOf<{ name?: string; description?: string }>({
	name: true,
	description: true,
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
	if (typeof agentName !== "string" || agentName === "")
		throw invalidOption(
			"handoffTool",
			`agentName must be the name of an agent (a non-empty string), not ${shown(agentName)}`,
			'pass the agent\'s key in createSupervisor({ agents }), e.g. handoffTool("writer")',
		);
	checkOptionObject(
		"handoffTool",
		options,
		HANDOFF_OPTION_KEYS,
		'pass e.g. { name: "ask_writer", description: "…" }, or leave them out',
	);
	// a name providers refuse failed the first model call, far from here
	if (
		options.name !== undefined &&
		(typeof options.name !== "string" || !TOOL_NAME.test(options.name))
	)
		throw invalidOption(
			"handoffTool",
			`name must be a tool name (1 to 64 letters, digits, _ or -), not ${shown(options.name)}`,
			`pass e.g. name: "ask_${agentName.replace(/[^a-zA-Z0-9_-]/g, "_")}", or leave it out for transfer_to_<agent>`,
		);
	if (
		options.description !== undefined &&
		typeof options.description !== "string"
	)
		throw invalidOption(
			"handoffTool",
			`description must be a string, not ${shown(options.description)}`,
			"describe when the model should hand over, or leave it out",
		);
	const handoff = tool(
		async ({ message }): Promise<[string, HandoffArtifact]> => [
			`Transferred to ${agentName}${message ? `: ${message}` : "."}`,
			{ handoff: agentName, ...(message ? { message } : {}) },
		],
		{
			name: options.name ?? handoffToolName(agentName),
			description:
				options.description ??
				`Hand the conversation over to the agent "${agentName}".`,
			schema,
			responseFormat: "content_and_artifact",
		},
	) as DynamicStructuredTool<typeof schema>;
	targets.set(handoff, agentName);
	return handoff;
}

/** The default name of the tool handing off to `agentName`: `transfer_to_` and the name, other characters as `_`. */
export function handoffToolName(agentName: string): string {
	return `transfer_to_${agentName.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
}

/** Whether `tool` was made by `handoffTool` (an agent runs one handoff per answer). */
export function isHandoffTool(tool: object): boolean {
	return targets.has(tool);
}

// Who each handoff tool hands off to, and each agent's handoff targets: read when a supervisor is built.
const targets = new WeakMap<object, string>();
const agentTargets = new WeakMap<object, readonly string[]>();

/** Records the agents `agent`'s handoff tools (among `tools`) hand off to. */
export function rememberHandoffs(
	agent: object,
	tools: readonly StructuredToolInterface[],
): void {
	const names = tools.flatMap((t) => targets.get(t) ?? []);
	if (names.length > 0) agentTargets.set(agent, names);
}

/** The agents `agent` (made by `createAgent`) can hand off to; empty when it has no handoff tools or is unknown. */
export function handoffsOf(agent: object): readonly string[] {
	return agentTargets.get(agent) ?? [];
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
