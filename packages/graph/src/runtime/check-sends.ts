import { isWeftError, ValidationError } from "@weft/checkpoint";
import { isCommand } from "../command.ts";
import { INPUT_NODE } from "../constants.ts";
import { blame } from "./commit-failure.ts";
import type { Ran } from "./route.ts";
import type { GraphRuntime } from "./runtime.ts";

/**
 * Checks the payload of each Send to a subgraph node against the subgraph's state schema, before the step
 * that made it is committed: a payload it refuses would be saved as a task that fails at every resume.
 * A function node declares no input schema: its payload is its own to read.
 */
export function checkSends(rt: GraphRuntime, ran: Ran): void {
	if (rt.sendInputs.size === 0) return;
	for (const { node, targets } of ran)
		for (const t of targets) {
			if (typeof t === "string") continue;
			const channels = rt.sendInputs.get(t.node);
			// what the child run takes as it is (runSubgraph → checkedInput): a Command goes on from its state
			if (channels === undefined || isCommand(t.input)) continue;
			try {
				channels.toWrites(INPUT_NODE, t.input);
			} catch (error) {
				if (!isWeftError(error)) throw error;
				throw blame(refusedSend(node, t.node, error), node);
			}
		}
}

function refusedSend(
	from: string,
	to: string,
	error: Error & { hint?: string | undefined },
): ValidationError {
	const what = `the payload of a Send from node "${from}" to the subgraph node "${to}"`;
	return new ValidationError(error.message.replace(/^the run's input/, what), {
		node: from,
		issues: error instanceof ValidationError ? error.issues : [],
		hint: `send what the state schema of the subgraph at "${to}" takes (its input): ${error.hint ?? "fix the payload"}`,
		cause: error,
	});
}
