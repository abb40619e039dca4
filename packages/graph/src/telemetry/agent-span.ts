// A graph that is a GenAI agent (`createAgent`, `createSupervisor`, `compile({ agent })`) names its run span
// as the OpenTelemetry GenAI conventions name an agent invoked in the same process: `invoke_agent {name}`,
// kind INTERNAL, `gen_ai.operation.name` = `invoke_agent` (decision 0131). Other graphs keep `weft.run`.
import type { Attributes } from "@opentelemetry/api";
import { ConfigError } from "@weft/checkpoint";

/** Who a graph is as a GenAI agent, for its run span (`compile({ agent })`). */
export interface AgentInfo {
	/** `gen_ai.agent.name`: the span is `invoke_agent {name}` (without one, `invoke_agent`). */
	name?: string | undefined;
	/** `gen_ai.agent.id`, when the application has one. */
	id?: string | undefined;
	/** `gen_ai.agent.description`. */
	description?: string | undefined;
	/** `gen_ai.provider.name` of the agent's model, in the conventions' values. */
	provider?: string | undefined;
	/** `gen_ai.request.model`: the model the agent asks. */
	model?: string | undefined;
}

const FIELDS = ["name", "id", "description", "provider", "model"] as const;

/** `compile({ agent })` checked: an object of optional non-empty strings. */
export function checkAgentInfo(agent: unknown): AgentInfo | undefined {
	if (agent === undefined) return undefined;
	if (typeof agent !== "object" || agent === null || Array.isArray(agent))
		throw badAgent("agent", agent);
	for (const key of FIELDS) {
		const v = (agent as Record<string, unknown>)[key];
		if (v !== undefined && (typeof v !== "string" || v === ""))
			throw badAgent(`agent.${key}`, v);
	}
	return agent as AgentInfo;
}

function badAgent(field: string, value: unknown): ConfigError {
	return new ConfigError(
		"CONFIG_INVALID",
		`compile option ${field} must be ${field === "agent" ? "an object" : "a non-empty string"}, got ${typeof value === "string" ? JSON.stringify(value) : typeof value}`,
		{
			hint: 'pass compile({ agent: { name: "researcher" } }) (name, id, description, provider, model: strings), or leave it out for a graph that is no agent',
		},
	);
}

/** The run span's name: `invoke_agent {name}` for an agent, `weft.run {graph}` for another graph. */
export function runSpanName(
	graph: string,
	agent: AgentInfo | undefined,
): string {
	if (agent === undefined) return `weft.run ${graph}`;
	return agent.name === undefined
		? "invoke_agent"
		: `invoke_agent ${agent.name}`;
}

/** Adds an agent's GenAI attributes to its run span's (given at span creation, for sampling). */
export function addAgentAttributes(
	a: Attributes,
	agent: AgentInfo,
	threadId: string | undefined,
): void {
	a["gen_ai.operation.name"] = "invoke_agent";
	if (agent.name !== undefined) a["gen_ai.agent.name"] = agent.name;
	if (agent.id !== undefined) a["gen_ai.agent.id"] = agent.id;
	if (agent.description !== undefined)
		a["gen_ai.agent.description"] = agent.description;
	if (agent.provider !== undefined) a["gen_ai.provider.name"] = agent.provider;
	if (agent.model !== undefined) a["gen_ai.request.model"] = agent.model;
	// the conventions' conversation (session, thread) id: required when available
	if (threadId !== undefined) a["gen_ai.conversation.id"] = threadId;
}
