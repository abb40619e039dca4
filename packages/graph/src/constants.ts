/** The virtual node a graph starts from. */
export const START = "__start__";
/** The virtual node a route ends at. */
export const END = "__end__";

export type START = typeof START;
export type END = typeof END;

/** The node name input writes are recorded under. */
export const INPUT_NODE = "__input__";
/** The node name manual updates without `asNode` are recorded under. */
export const UPDATE_NODE = "__update__";
/**
 * Names a user may not give a node. `__proto__` too: node names are keys of checkpoint metadata (a step's
 * timing), and stores refuse that key in JSON they keep.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
	START,
	END,
	INPUT_NODE,
	UPDATE_NODE,
	"__proto__",
]);
