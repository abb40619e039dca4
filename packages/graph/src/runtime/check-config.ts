import {
	type ChannelWrite,
	type Checkpointer,
	ConfigError,
	keysOf,
	plainJsonProblem,
	unknownKey,
	validateId,
} from "@weft/checkpoint";
import { isCommand } from "../command.ts";
import { INPUT_NODE } from "../constants.ts";
import { notAStore } from "../graph/check-compile-options.ts";
import { shown } from "../shown.ts";
import type { RunConfig, StreamConfig } from "./events.ts";
import { noThreadId } from "./run-errors.ts";
import type { GraphRuntime } from "./runtime.ts";

/**
 * Checks a run config before anything is read or written: ids are usable ids (`INVALID_ID`), numbers are
 * numbers (`CONFIG_INVALID`), and a graph with a checkpointer has a thread.
 */
export function checkRunConfig(
	given: unknown,
	durable: boolean,
	nodes: ReadonlyMap<string, unknown>,
): void {
	checkConfigKeys(
		given,
		"the run config",
		"pass { threadId: … }, or leave the config out",
	);
	const config = given as RunConfig;
	if (config.threadId !== undefined) validateId(config.threadId, "thread id");
	else if (durable) throw noThreadId();
	if (config.checkpointId != null)
		validateId(config.checkpointId, "checkpoint id");
	// each key checked in place, not in a loop over a list made per run (perf, issue 17)
	checkCount("recursionLimit", config.recursionLimit);
	checkCount("maxConcurrency", config.maxConcurrency);
	if (config.signal !== undefined && !(config.signal instanceof AbortSignal))
		throw invalid(
			"signal must be an AbortSignal",
			"pass controller.signal from an AbortController",
		);
	checkNames("interruptBefore", config.interruptBefore, nodes);
	checkNames("interruptAfter", config.interruptAfter, nodes);
	const { context } = config;
	if (
		context !== undefined &&
		(typeof context !== "object" || context === null || Array.isArray(context))
	)
		throw invalid(
			"the run config's context must be an object",
			"pass { context: { userId: … } }",
		);
	if (config.metadata !== undefined)
		checkPlainData("metadata", config.metadata);
	if (config.store !== undefined) {
		const notStore = notAStore(config.store);
		if (notStore !== undefined)
			throw invalid(
				`the run config's store must be a Store, not ${notStore}`,
				"pass new MemoryStore(), a SqliteStore or a PostgresStore; or leave it out for compile()'s",
			);
	}
	const { tags, callbacks } = config;
	if (
		tags !== undefined &&
		!(Array.isArray(tags) && tags.every((t) => typeof t === "string"))
	)
		throw invalid(
			`tags must be an array of strings, not ${shown(tags)}`,
			'pass e.g. { tags: ["nightly"] }',
		);
	if (
		callbacks !== undefined &&
		!(Array.isArray(callbacks)
			? callbacks.every((c) => typeof c === "object" && c !== null)
			: typeof (callbacks as { copy?: unknown } | null)?.copy === "function")
	)
		throw invalid(
			`callbacks must be a list of LangChain callback handlers or a CallbackManager, not ${shown(callbacks)}`,
			"pass e.g. { callbacks: [{ handleLLMEnd(output) { … } }] }",
		);
	checkWaitForLease(config.waitForLease);
}

/** A number of milliseconds of at least 0, when given (a run's, and updateState's, which takes the lease too). */
function checkWaitForLease(wait: unknown): void {
	if (wait !== undefined && !(typeof wait === "number" && wait >= 0))
		throw invalid(
			`waitForLease must be a number of milliseconds, not ${typeof wait === "string" ? `the string ${JSON.stringify(wait)}` : shown(wait)}`,
			"pass e.g. { waitForLease: 5000 }, or leave it out to refuse a busy thread at once",
		);
}

/** The keys of `RunConfig`, and `StreamConfig`'s own (a subgraph's run inherits its parent's config). */
const RUN_CONFIG_KEYS = keysOf<StreamConfig>({
	threadId: true,
	checkpointId: true,
	recursionLimit: true,
	signal: true,
	maxConcurrency: true,
	context: true,
	metadata: true,
	callbacks: true,
	tags: true,
	interruptBefore: true,
	interruptAfter: true,
	store: true,
	waitForLease: true,
	acceptSchemaChange: true,
	mode: true,
	subgraphs: true,
});

/** LangGraph's run config names, and Weft's for them (one list, made once). */
const LANGGRAPH_NAMES: ReadonlyArray<readonly [string, string]> = [
	["thread_id", "threadId"],
	["checkpoint_id", "checkpointId"],
	["streamMode", "mode"],
	["recursion_limit", "recursionLimit"],
	["max_concurrency", "maxConcurrency"],
];

/**
 * A config written for LangGraph (`configurable.thread_id`, `streamMode`, …) is refused naming Weft's
 * key: ignored, it ran on no thread or streamed every mode without a word.
 */
function checkLangGraphNames(config: Record<string, unknown>): void {
	const { configurable } = config;
	if (configurable !== undefined) {
		const inner =
			typeof configurable === "object" && configurable !== null
				? LANGGRAPH_NAMES.filter(([k]) => k in configurable).map(
						([k, w]) => `${w} for ${k}`,
					)
				: [];
		throw invalid(
			"the run config has LangGraph's `configurable`, which Weft does not read",
			`put its keys at the top level of the config${inner.length > 0 ? ` (${inner.join(", ")})` : ""}; values for your nodes go in { context: … }`,
		);
	}
	for (const [langGraph, weft] of LANGGRAPH_NAMES)
		if (langGraph in config)
			throw invalid(
				`the run config has LangGraph's \`${langGraph}\`, which Weft does not read`,
				`Weft's name for it is ${weft}: pass { ${weft}: … }`,
			);
}

/**
 * The config of a read or an update of a thread's state (`getState`, `getStateHistory`, `updateState`):
 * the run config's keys are accepted, since one config object is often passed to all of them, but a key
 * none of them reads is refused (`checkpointID` read the newest state instead of the one named).
 */
export function checkStateConfig(given: unknown): void {
	checkConfigKeys(
		given,
		"the config",
		'pass { threadId: "…" } (and checkpointId for a past checkpoint)',
	);
	checkWaitForLease((given as { waitForLease?: unknown }).waitForLease);
}

/** An object of the run config's keys (LangGraph's names named as Weft's), or CONFIG_INVALID. */
function checkConfigKeys(given: unknown, what: string, hint: string): void {
	if (typeof given !== "object" || given === null || Array.isArray(given))
		throw invalid(
			`${what} must be an object, not ${given === null ? "null" : Array.isArray(given) ? "an array" : typeof given}`,
			hint,
		);
	checkLangGraphNames(given as Record<string, unknown>);
	const stray = unknownKey(given, RUN_CONFIG_KEYS);
	if (stray !== undefined)
		throw invalid(
			`${what} has an unknown key ${JSON.stringify(stray.key)}, which Weft does not read`,
			stray.hint,
		);
}

/** A whole number of at least 1, when given. */
function checkCount(key: string, value: unknown): void {
	if (
		value !== undefined &&
		!(Number.isInteger(value) && (value as number) >= 1)
	)
		throw invalid(
			`${key} must be a whole number of at least 1, not ${typeof value === "string" ? `the string ${JSON.stringify(value)}` : String(value)}`,
			`leave ${key} out for the default`,
		);
}

/** An array of names of the graph's nodes, when given. */
function checkNames(
	key: string,
	value: unknown,
	nodes: ReadonlyMap<string, unknown>,
): void {
	if (value === undefined) return;
	if (!(Array.isArray(value) && value.every((n) => typeof n === "string")))
		throw invalid(
			`${key} must be an array of node names`,
			`pass e.g. { ${key}: ["review"] }, or leave it out`,
		);
	const unknown = value.filter((n) => !nodes.has(n));
	if (unknown.length > 0)
		throw invalid(
			`${key} names ${unknown.map((n) => `"${n}"`).join(", ")}, which ${unknown.length === 1 ? "is not a node" : "are not nodes"} of this graph`,
			`pass names of the graph's nodes: ${[...nodes.keys()].map((n) => `"${n}"`).join(", ")}`,
		);
}

function invalid(message: string, hint: string): ConfigError {
	return new ConfigError("CONFIG_INVALID", message, { hint });
}

/** An object that JSON can show (no cycle, no BigInt, no function): what context and metadata hold. */
function checkPlainData(key: string, value: unknown): void {
	const problem =
		typeof value !== "object" || value === null || Array.isArray(value)
			? "must be an object"
			: plainJsonProblem(value, key);
	if (problem !== undefined)
		throw invalid(
			`the run config's ${problem}`,
			`give ${key} plain data: strings, finite numbers, booleans, null, arrays and objects, as JSON keeps them (every store keeps it as JSON)`,
		);
}

/**
 * The config a run works with: the compile-time store when the run brings none (subgraph runs inherit it
 * with the config), and a frozen copy of the user's context, so that `ctx.context` is read-only without
 * freezing the caller's own object (its values, such as clients, are the caller's and stay as they are).
 */
export function ownConfig(
	config: RunConfig,
	store: RunConfig["store"],
): RunConfig {
	let own = config;
	if (config.store === undefined && store !== undefined)
		own = { ...own, store };
	const { context } = config;
	if (
		typeof context === "object" &&
		context !== null &&
		!Array.isArray(context) &&
		!Object.isFrozen(context)
	)
		own = { ...own, context: Object.freeze({ ...context }) };
	return own;
}

/**
 * New input's writes (not `null` to continue, not a `Command`), checked against the schema before the run
 * takes its lease or reads anything: refused input leaves no thread behind in the store.
 */
export function checkedInput(
	rt: GraphRuntime,
	input: unknown,
): ChannelWrite[] | undefined {
	return input === null || input === undefined || isCommand(input)
		? undefined
		: rt.channels.toWrites(INPUT_NODE, input);
}

/**
 * New input that leaves a required key without a value is refused before the lease when the run starts
 * from nothing (a new thread, or `checkpointId: null`): refused input leaves no thread behind. On a
 * thread with state the key may be there already; the prepared state is checked then (`checkRequired`).
 * Reads the thread only for such input. `updateState` on a thread without checkpoints is checked the same.
 */
export async function checkFirstInput(
	rt: GraphRuntime,
	writes: readonly ChannelWrite[],
	checkpointer: Checkpointer,
	config: Pick<RunConfig, "threadId" | "checkpointId">,
	node = INPUT_NODE,
): Promise<void> {
	const missing = rt.channels.requiredMissingFrom(writes, node);
	if (missing === undefined) return;
	if (
		config.checkpointId === null ||
		((await checkpointer.getThread(config.threadId!))?.checkpoints ?? 0) === 0
	)
		throw missing;
}
