import { thrownMessage } from "./thrown-message.ts";

/**
 * Every error Weft throws is a `WeftError` with a `code` from this closed list.
 * Each code has a section in docs/errors.md (a test checks it).
 */
export const ERROR_CODES = [
	// input and update validation
	"VALIDATION_FAILED",
	"INVALID_UPDATE",
	// graph definition, found at compile()
	"EDGE_TO_UNKNOWN_NODE",
	"EDGE_FROM_UNKNOWN_NODE",
	"NO_ENTRY_EDGE",
	"UNREACHABLE_NODE",
	"DUPLICATE_NODE",
	"RESERVED_NODE_NAME",
	"INVALID_GRAPH",
	// running
	"CONFIG_INVALID",
	"GRAPH_RECURSION_LIMIT",
	"NODE_FAILED",
	"NODE_TIMEOUT",
	"UNKNOWN_NODE",
	"RUN_CANCELLED",
	// interrupts and resume
	"NO_PENDING_INTERRUPT",
	"UNKNOWN_INTERRUPT_ID",
	"AMBIGUOUS_RESUME",
	// checkpoints and storage
	"CHECKPOINT_NOT_FOUND",
	"CHECKPOINT_CONFLICT",
	"SERIALIZATION_FAILED",
	"DESERIALIZATION_FAILED",
	"DECRYPTION_FAILED",
	"STORE_SCHEMA_TOO_NEW",
	"STORE_UNAVAILABLE",
	"CORRUPT_CHECKPOINT",
	// threads, leases and graph versions
	"THREAD_BUSY",
	"LEASE_LOST",
	"GRAPH_CHANGED",
	"INVALID_ID",
	"STATE_MUTATED",
	// models (@weft/models)
	"MODEL_REQUEST_INVALID",
	"MODEL_UNAVAILABLE",
	"MODEL_TIMEOUT",
	"RATE_LIMIT_TIMEOUT",
	// server (@weft/server)
	"RATE_LIMITED",
	"GUARDRAIL_TRIPPED",
	"NO_ROUTE",
	// long-term memory (Store) and MCP
	"INVALID_NAMESPACE",
	"EMBEDDING_FAILED",
	"MCP_CONNECTION_FAILED",
	"MCP_TOOL_FAILED",
	// evaluations (@weft/evals)
	"DATASET_INVALID",
	"EVAL_NOT_FOUND",
	// HTTP server (@weft/server)
	"NOT_FOUND",
	"METHOD_NOT_ALLOWED",
	"UNAUTHENTICATED",
	"FORBIDDEN",
	"EVENTS_EXPIRED",
	"SHUTTING_DOWN",
	"INTERNAL_ERROR",
] as const;

export type WeftErrorCode = (typeof ERROR_CODES)[number];

const BRAND = Symbol.for("weft.error");

export interface WeftErrorOptions {
	hint?: string | undefined;
	cause?: unknown;
}

/** The one base class of Weft's errors: a closed `code`, a message naming what is wrong, a `hint` saying what to do. */
export class WeftError extends Error {
	readonly code: WeftErrorCode;
	readonly hint: string | undefined;
	readonly [BRAND] = true;

	constructor(
		code: WeftErrorCode,
		message: string,
		options: WeftErrorOptions = {},
	) {
		super(
			message,
			options.cause === undefined ? undefined : { cause: options.cause },
		);
		this.name = new.target.name;
		this.code = code;
		this.hint = options.hint;
	}

	/** Wraps any thrown value in a WeftError of the given code, keeping a WeftError as it is. */
	static from(value: unknown, code: WeftErrorCode = "NODE_FAILED"): WeftError {
		if (isWeftError(value)) return value;
		return new WeftError(code, thrownMessage(value), { cause: value });
	}

	toJSON(): {
		name: string;
		code: WeftErrorCode;
		message: string;
		hint?: string;
	} {
		return {
			name: this.name,
			code: this.code,
			message: this.message,
			...(this.hint === undefined ? {} : { hint: this.hint }),
		};
	}
}

/** True for any Weft error (also one from a second copy of the package), optionally of one code. */
export function isWeftError(
	value: unknown,
	code?: WeftErrorCode,
): value is WeftError {
	if (
		typeof value !== "object" ||
		value === null ||
		(value as Record<symbol, unknown>)[BRAND] !== true
	) {
		return false;
	}
	return code === undefined || (value as WeftError).code === code;
}

/** The codes of stored data that cannot be read: damaged, or of a type or key this process lacks. */
const UNREADABLE_DATA: ReadonlySet<string> = new Set([
	"CORRUPT_CHECKPOINT",
	"DESERIALIZATION_FAILED",
	"DECRYPTION_FAILED",
]);

/**
 * True for an error that says a thread's stored data cannot be read (`CORRUPT_CHECKPOINT`,
 * `DESERIALIZATION_FAILED`, `DECRYPTION_FAILED`), not that the store is unavailable: what a reader of many
 * threads (a listing, an inbox, stats) reports for that thread and reads past (decision 0169).
 */
export function isUnreadableData(value: unknown): value is WeftError {
	return isWeftError(value) && UNREADABLE_DATA.has(value.code);
}

/** One problem found by a schema, as zod reports it. */
export interface ValidationIssue {
	code: string;
	path: PropertyKey[];
	message: string;
	/** The values allowed, when the schema names them (an enum, literals, a discriminator's options). */
	values?: unknown[] | undefined;
}

/** Input, an update or a resume value does not match its schema. */
export class ValidationError extends WeftError {
	readonly issues: ValidationIssue[];
	readonly node: string | undefined;
	constructor(
		message: string,
		options: WeftErrorOptions & {
			issues?: ValidationIssue[];
			node?: string | undefined;
		} = {},
	) {
		super("VALIDATION_FAILED", message, options);
		this.issues = options.issues ?? [];
		this.node = options.node;
	}
}

/** Two nodes wrote the same last-value key in one step. */
export class InvalidUpdateError extends WeftError {
	readonly key: string;
	readonly nodes: string[];
	constructor(key: string, nodes: string[], options: WeftErrorOptions = {}) {
		super(
			"INVALID_UPDATE",
			`nodes ${nodes.map((n) => `"${n}"`).join(" and ")} both wrote the last-value key "${key}" in one step`,
			{
				hint: `let one node write "${key}", or give it a reducer: reducer(schema, (a, b) => …)`,
				...options,
			},
		);
		this.key = key;
		this.nodes = nodes;
	}
}

/** The graph definition is wrong; thrown by compile(). */
export class GraphValidationError extends WeftError {}

/** The run took more supersteps than `recursionLimit`. */
export class GraphRecursionError extends WeftError {
	readonly steps: number;
	constructor(steps: number, options: WeftErrorOptions = {}) {
		super(
			"GRAPH_RECURSION_LIMIT",
			`the run reached the recursion limit of ${steps} supersteps`,
			{
				hint: "look for a loop without an exit condition, or raise recursionLimit in the run config",
				...options,
			},
		);
		this.steps = steps;
	}
}

/** A node threw (after its retries). */
export class NodeError extends WeftError {
	readonly node: string;
	constructor(
		node: string,
		cause: unknown,
		code: WeftErrorCode = "NODE_FAILED",
		/**
		 * What threw: the node's function (default), the router of its conditional edges, or the reducer of
		 * a state key merging the node's update (`{ reducer: key }`; `nodes` when the updates of several
		 * nodes of one step were being merged, `node` being the first).
		 */
		part: "node" | "router" | ReducerPart = "node",
	) {
		super(code, nodeErrorMessage(node, part, thrownMessage(cause)), {
			hint:
				code === "NODE_TIMEOUT"
					? "raise timeoutMs for this node or make it faster"
					: part === "router"
						? `fix the router given to addConditionalEdges("${node}", …), then run the thread again (invoke(null, { threadId })): the step runs again`
						: part !== "node"
							? `fix the reducer of "${part.reducer}" (reducer(schema, fn) in the state schema), then run the thread again (invoke(null, { threadId })): the step runs again`
							: "fix the node, then run the thread again: finished sibling tasks are not re-run",
			cause,
		});
		this.node = node;
	}
}

/** The reducer of state key `reducer` merging the update of the node (or, with `nodes`, of those nodes). */
export interface ReducerPart {
	reducer: string;
	nodes?: readonly string[] | undefined;
}

function nodeErrorMessage(
	node: string,
	part: "node" | "router" | ReducerPart,
	detail: string,
): string {
	if (part === "router")
		return `the router of node "${node}" failed: ${detail}`;
	if (part === "node") return `node "${node}" failed: ${detail}`;
	const nodes = part.nodes ?? [node];
	const what =
		node === "__input__"
			? "the run's input"
			: node === "__update__"
				? "a state update"
				: nodes.length > 1
					? `the updates of nodes ${nodes.map((n) => `"${n}"`).join(", ")}`
					: `the update of node "${node}"`;
	return `the reducer of "${part.reducer}" failed merging ${what}: ${detail}`;
}

/** The run configuration is incomplete or wrong. */
export class ConfigError extends WeftError {}

/** A storage problem: missing checkpoint, conflict, (de)serialization. */
export class CheckpointError extends WeftError {}

/** The error every store raises for a checkpoint (or parent) that does not exist. */
export function checkpointNotFound(
	threadId: string,
	ns: string,
	checkpointId: string,
): CheckpointError {
	return new CheckpointError(
		"CHECKPOINT_NOT_FOUND",
		`no checkpoint "${checkpointId}" in thread "${threadId}"${ns === "" ? "" : ` (namespace "${ns}")`}`,
		{
			hint: "list the thread's checkpoints with getStateHistory() and pick an existing id",
		},
	);
}

/** The error every store raises when a thread moved on under a run (the optimistic check of `put`). */
export function checkpointConflict(record: {
	threadId: string;
	parentId: string | null;
}): CheckpointError {
	return new CheckpointError(
		"CHECKPOINT_CONFLICT",
		`thread "${record.threadId}" moved on while this run was working: checkpoint ${record.parentId ?? "(start)"} already has a successor`,
		{
			hint: "another process is running this thread; read its new state and run again",
		},
	);
}
