import { ConfigError, WeftError } from "@weft/checkpoint";

// The errors a run raises before it starts stepping, in one place so their wording stays consistent.

export const noThreadId = () =>
	new ConfigError(
		"CONFIG_INVALID",
		"a graph with a checkpointer needs a threadId in the run config",
		{
			hint: 'pass { threadId: "…" }: checkpoints are saved per thread',
		},
	);

export const commandWithoutResume = () =>
	new ConfigError(
		"CONFIG_INVALID",
		"a Command given as run input must carry `resume` or `update`",
		{
			hint: "pass new Command({ resume }) to answer an interrupt, or { update } to change the state before the run goes on",
		},
	);

export const commandGoto = () =>
	new ConfigError(
		"CONFIG_INVALID",
		"a Command given as run input cannot carry `goto`",
		{
			hint: "route from a node (return new Command({ goto })), or use updateState(config, values, { asNode }) to plan what runs next",
		},
	);

/** The one error for "this needs a checkpointer" (runs that continue, state reads, time travel). */
export const needsCheckpointer = (what: string) =>
	new ConfigError(
		"CONFIG_INVALID",
		`${what} needs a checkpointer: this graph keeps no state between runs`,
		{
			hint: "compile it with { checkpointer: new MemoryCheckpointer() } or a durable store",
		},
	);

export const nothingToResume = (threadId: string) =>
	new WeftError(
		"NO_PENDING_INTERRUPT",
		`thread "${threadId}" has no checkpoint, so nothing to resume`,
		{
			hint: "start the thread with an input first",
		},
	);

export const nothingToContinue = (threadId: string) =>
	new ConfigError(
		"CONFIG_INVALID",
		`thread "${threadId}" has no checkpoint to continue from`,
		{
			hint: "start the thread with an input instead of null",
		},
	);

export const unknownAsNode = (asNode: string, nodes: Iterable<string>) =>
	new WeftError(
		"UNKNOWN_NODE",
		`updateState: asNode "${asNode}" is not a node of this graph`,
		{
			hint: `use one of: ${[...nodes].join(", ")}`,
		},
	);
