import { ConfigError } from "@weft/checkpoint";
import { keepShape } from "./runtime/keep-shape.ts";

/**
 * Runs `node` with `input` as its own private input instead of the graph state (map-reduce fan-out).
 * @example
 * graph.addConditionalEdges("fan", (s) => s.items.map((item) => new Send("worker", { item })));
 */
export class Send<TNode extends string = string, TInput = unknown> {
	readonly node: TNode;
	readonly input: TInput;
	constructor(node: TNode, input: TInput) {
		if (typeof node !== "string" || node === "")
			throw new ConfigError(
				"CONFIG_INVALID",
				`new Send() needs a node name, not ${node === "" ? "an empty string" : String(node)}`,
				{
					hint: 'pass the name of the node to run: new Send("worker", { item })',
				},
			);
		this.node = node;
		this.input = input;
	}
}

// its maps kept through a full GC by an object without an input (keep-shape.ts, decision 0196)
keepShape(new Send("shape", undefined));

/** Marks Sends of every copy of this package, as Commands are (command.ts, decision 0245). */
const SEND = Symbol.for("weft.send");
Object.defineProperty(Send.prototype, SEND, { value: true });

export function isSend(value: unknown): value is Send {
	return (
		value instanceof Send ||
		(typeof value === "object" &&
			value !== null &&
			(value as { [SEND]?: unknown })[SEND] === true)
	);
}
