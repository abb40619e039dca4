import { ConfigError, keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import type { END } from "./constants.ts";
import { keepShape } from "./runtime/keep-shape.ts";
import type { Send } from "./send.ts";

/** Where a node or router sends the run: a node name, `END`, a `Send`, or several of them. */
export type Route<TNode extends string = string> =
	| TNode
	| END
	| Send<TNode>
	| ReadonlyArray<TNode | END | Send<TNode>>;

export interface CommandInit<TGoto extends string = string> {
	/** State update, as a node would return it. */
	update?: Record<string, unknown> | undefined;
	/** Nodes to run next, besides the node's edges. */
	goto?: Route<TGoto> | undefined;
	/** As run input: the answer to pending interrupts (one value, or a map by interrupt id). */
	resume?: unknown;
}

const INIT_KEYS = keysOf<CommandInit>({
	update: true,
	goto: true,
	resume: true,
});

/**
 * Returned by a node to update state and choose where to go; passed as run input to resume interrupts.
 * @example
 * return new Command({ update: { approved: true }, goto: "send" });
 * await graph.invoke(new Command({ resume: { action: "approve" } }), { threadId });
 */
export class Command<const TGoto extends string = string> {
	readonly update: Record<string, unknown> | undefined;
	readonly goto: Route<TGoto> | undefined;
	readonly resume: unknown;
	readonly hasResume: boolean;
	constructor(init: CommandInit<TGoto>) {
		if (typeof init !== "object" || init === null)
			throw new ConfigError(
				"CONFIG_INVALID",
				`new Command() takes an object, not ${init === null ? "null" : typeof init}`,
				{
					hint: "pass { resume } to answer an interrupt, or { update, goto } from a node",
				},
			);
		refuseUnknownKeys(init, INIT_KEYS, "new Command()");
		this.update = init.update;
		this.goto = init.goto;
		this.resume = init.resume;
		this.hasResume = "resume" in init;
	}
}

// its maps kept through a full GC by an object without an update or an answer (keep-shape.ts, decision 0196)
keepShape(new Command({}));

/**
 * Marks Commands of every copy of this package (decision 0245): a CLI or server of its own copy resumes a
 * project's graph, which imported another, with a Command the graph's `instanceof` does not know.
 */
const COMMAND = Symbol.for("weft.command");
Object.defineProperty(Command.prototype, COMMAND, { value: true });

export function isCommand(value: unknown): value is Command {
	return (
		value instanceof Command ||
		(typeof value === "object" &&
			value !== null &&
			(value as { [COMMAND]?: unknown })[COMMAND] === true)
	);
}
