// What an update must be (an object of state keys) and what a bad one is told: the errors of
// `Channels.toWrites`, kept out of the class (cold paths).
import { ValidationError } from "@weft/checkpoint";
import { INPUT_NODE, UPDATE_NODE } from "../constants.ts";

/** The `#index` of a Send task's id (node names cannot hold `#`). */
const SEND_INDEX = /#\d+$/;

/** The node a write is from: a Send task writes as `node#index` (its task id); errors name the node. */
export function writerNode(writer: string): string {
	return writer.includes("#") ? writer.replace(SEND_INDEX, "") : writer;
}

/**
 * What an object is when it is no object of state keys, which zod's object schema would read as one with
 * none (a Map, a Date: no update at all, without a word); undefined for any other object.
 */
export function notStateKeys(value: object): string | undefined {
	if (value instanceof Map) return "a Map";
	if (value instanceof Set) return "a Set";
	if (value instanceof Date) return "a Date";
	if (value instanceof RegExp) return "a RegExp";
	if (value instanceof Error) return "an Error";
	if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
		return "binary data";
	if (typeof (value as { then?: unknown }).then === "function")
		return "a promise (not awaited?)";
	return undefined;
}

/** An update that is no object: the run's input, a state update, or a node's return (kept out of `toWrites`: cold). */
export function notAnUpdate(node: string, update: unknown): ValidationError {
	const kind = Array.isArray(update)
		? "an array"
		: typeof update === "object" && update !== null
			? (notStateKeys(update) ?? "an object")
			: typeof update;
	return node === INPUT_NODE || node === UPDATE_NODE
		? new ValidationError(
				`the ${node === INPUT_NODE ? "run's input" : "state update"} is ${kind}, not an object of state keys`,
				{
					node,
					hint: "pass an object of state keys ({ key: value }), or null to go on from the thread's state",
				},
			)
		: new ValidationError(`node "${node}" returned ${kind}`, {
				node,
				hint: "return an object of state keys to update, a Command, or nothing",
			});
}

/** A present `undefined` for a required key (`.optional()` would let it through). */
export function undefinedForRequired(
	node: string,
	key: string,
): ValidationError {
	return new ValidationError(
		`${updateFrom(node)} sets the required key "${key}" to undefined`,
		{
			node,
			issues: [
				{
					code: "invalid_type",
					path: [key],
					message: "expected a value, received undefined",
				},
			],
			hint: `leave "${key}" out of the update to keep its value, or make it optional in the schema`,
		},
	);
}

/** Who an update is from, as messages say it: the run's input, a state update, or a node. */
export function updateFrom(node: string): string {
	return node === INPUT_NODE
		? "the run's input"
		: node === UPDATE_NODE
			? "the state update"
			: `update from "${node}"`;
}
