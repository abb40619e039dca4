import { ValidationError } from "@weft/checkpoint";
import { INPUT_NODE, UPDATE_NODE } from "../constants.ts";

// The refusals of a state that would lack a required key (no default, no reducer `init`, not optional).

/** New input (or a first state update) that gives a required key no value, on a thread without one. */
export function requiredMissing(
	key: string,
	node = INPUT_NODE,
): ValidationError {
	const what =
		node === INPUT_NODE
			? "the run's input"
			: node === UPDATE_NODE
				? "the state update"
				: `the state update as "${node}"`;
	return new ValidationError(
		`${what} has no value for the required key "${key}", and the thread has none yet`,
		{
			node,
			issues: [
				{
					code: "invalid_type",
					path: [key],
					message: "expected a value, received undefined",
				},
			],
			hint: `give "${key}" in the thread's first input ({ ${key}: … }), or a default in the state schema (.default(…)) or make it optional`,
		},
	);
}

/** A subgraph's run starts from the parent's keys it shares: one it requires is not among them. */
export function subgraphInputMissing(
	key: string,
	subgraph: string,
): ValidationError {
	return new ValidationError(
		`the subgraph at "${subgraph}" requires the key "${key}", which its input from the parent does not hold`,
		{
			node: subgraph,
			issues: [
				{
					code: "invalid_type",
					path: [key],
					message: "expected a value, received undefined",
				},
			],
			hint: `give "${key}" in what the parent passes (a subgraph node gets the parent's keys it also has; invokeAsSubgraph, its input), or a default in the subgraph's schema`,
		},
	);
}
