import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import { shown } from "../shown.ts";
import { checkSystem, invalidOption } from "./check-options.ts";
import { handoffsOf, handoffToolName } from "./handoff.ts";
import type { CreateSupervisorOptions } from "./supervisor.ts";

// createSupervisor's checks, made when it is called: a wrong option or a handoff to no agent is a
// CONFIG_INVALID then, not a TypeError or a silent return to the supervisor during a run.

const HISTORIES = ["shared", "private"];

const OPTION_KEYS = keysOf<CreateSupervisorOptions>({
	agents: true,
	model: true,
	route: true,
	descriptions: true,
	system: true,
	history: true,
	checkpointer: true,
	name: true,
	leaseTtlMs: true,
	store: true,
	snapshots: true,
	interruptBefore: true,
	interruptAfter: true,
});

/** `createSupervisor`'s options' kinds, before anything is built. */
export function checkSupervisorOptions(options: CreateSupervisorOptions): void {
	refuseUnknownKeys(options, OPTION_KEYS, "createSupervisor");
	const { agents, route, history } = options;
	if (typeof agents !== "object" || agents === null || Array.isArray(agents))
		throw invalidOption(
			"createSupervisor",
			`agents must be an object of agents by name, not ${shown(agents)}`,
			"pass e.g. agents: { researcher, writer }, each made by createAgent",
		);
	for (const [key, agent] of Object.entries(agents))
		if (
			typeof agent !== "object" ||
			agent === null ||
			typeof (agent as { asAgent?: unknown }).asAgent !== "function"
		)
			throw invalidOption(
				"createSupervisor",
				`agents.${key} must be a compiled graph, not ${shown(agent)}`,
				"make each agent with createAgent(…), or compile() a graph whose state has messages",
			);
	if (route !== undefined && typeof route !== "function")
		throw invalidOption(
			"createSupervisor",
			`route must be a function of the state, not ${shown(route)}`,
			"pass route: (state) => agentName | END, or a model instead",
		);
	if (history !== undefined && !HISTORIES.includes(history))
		throw invalidOption(
			"createSupervisor",
			`history must be "shared" or "private", not ${shown(history)}`,
			'leave it out for "shared"',
		);
	checkSystem("createSupervisor", options.system, false);
}

/** Each agent's handoff tools, where they are known (agents from createAgent), name an agent. */
export function checkHandoffs(
	agents: CreateSupervisorOptions["agents"],
	known: ReadonlySet<string>,
): void {
	for (const [name, agent] of Object.entries(agents))
		for (const target of handoffsOf(agent))
			if (target !== "supervisor" && !known.has(target))
				throw invalidOption(
					"createSupervisor",
					`agent "${name}" hands off to "${target}", which is not an agent: the agents are ${[...known].join(", ")}`,
					handoffHint(known),
				);
}

/**
 * A supervisor model's handoff tools are named after the agents' keys, other characters than letters,
 * digits, `_` and `-` as `_`: two keys that give one name would leave one agent unreachable.
 */
export function checkHandoffToolNames(names: readonly string[]): void {
	const byTool = new Map<string, string>();
	for (const name of names) {
		const tool = handoffToolName(name);
		const other = byTool.get(tool);
		if (other !== undefined)
			throw invalidOption(
				"createSupervisor",
				`agents "${other}" and "${name}" would both be handed over to with the tool "${tool}", so one of them could never be reached`,
				"rename one of the agents' keys (the supervisor model calls transfer_to_<key>, with characters other than letters, digits, _ and - as _)",
			);
		byTool.set(tool, name);
	}
}

/** What to do about a handoff to no agent. */
export const handoffHint = (known: ReadonlySet<string>) =>
	`name an agent in handoffTool(…): one of ${[...known].join(", ")}, or "supervisor"`;
