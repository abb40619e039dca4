import { WeftError } from "@weft/checkpoint";
import type { InterruptSignal } from "./interrupts.ts";

// The checks of a node's `ctx.interrupt()` and `ctx.once()` calls, and the errors they raise.

/** What one attempt of the node has called so far (each attempt, a retry included, starts afresh). */
export interface AttemptCalls {
	/** `interrupt()` calls: the next one's position. */
	interrupts: number;
	/** Whether a subgraph ran inside the node (`invokeAsSubgraph`). */
	subgraph: boolean;
	/** The node function returned or threw: a later `interrupt()` (from a timer) cannot pause it. */
	ended: boolean;
	/**
	 * The first `interrupt()` of this attempt that paused it: a node that returns without awaiting it is
	 * paused all the same (its update is dropped; it runs again from its start on resume).
	 */
	paused?: InterruptSignal;
	/** `ctx.once` keys used by this attempt (made on first use): a key names one effect per run of the node. */
	onceKeys?: Set<string>;
}

/** Why a `ctx.interrupt()` call of this attempt cannot pause it (undefined when it can). */
export function checkInterruptCall(
	node: string,
	calls: AttemptCalls,
): WeftError | undefined {
	if (calls.ended) return lateInterrupt(node);
	if (calls.subgraph) return mixedInterrupts(node);
	return undefined;
}

/**
 * Why a `ctx.once(key, fn)` call of this attempt cannot run (undefined when it can; the key is then
 * counted as used).
 */
export function checkOnceCall(
	node: string,
	calls: AttemptCalls,
	key: unknown,
	fn: unknown,
): WeftError | undefined {
	const refused = badOnce(node, key, fn);
	if (refused !== undefined) return refused;
	// its step may be committed already: nothing may run or be recorded for it
	if (calls.ended) return lateOnce(node, key as string);
	// a key names one effect: used twice in one run of the node, the second would get the first's
	// result and never run (a loop sending one mail per item would send the first only)
	calls.onceKeys ??= new Set();
	if (calls.onceKeys.has(key as string))
		return repeatedOnce(node, key as string);
	calls.onceKeys.add(key as string);
	return undefined;
}

/** A `ctx.once` call that cannot work: a key that is no non-empty string, no function. */
function badOnce(
	node: string,
	key: unknown,
	fn: unknown,
): WeftError | undefined {
	if (typeof key !== "string" || key === "")
		return new WeftError(
			"INVALID_GRAPH",
			`node "${node}" called ctx.once() with the key ${typeof key === "string" ? '""' : `${String(key)} (${typeof key})`}: the key must be a non-empty string`,
			{
				hint: 'name the effect with a string that stays the same when the node runs again: ctx.once("send-mail", () => …)',
			},
		);
	if (typeof fn !== "function")
		return new WeftError(
			"INVALID_GRAPH",
			`node "${node}" called ctx.once("${key}") without a function`,
			{
				hint: `pass the effect as a function: ctx.once("${key}", async () => …); its result is saved with the task`,
			},
		);
	return undefined;
}

/** The same `ctx.once` key twice in one run of a node. */
function repeatedOnce(node: string, key: string): WeftError {
	return new WeftError(
		"INVALID_GRAPH",
		`node "${node}" called ctx.once("${key}") twice in one run: the second call would return the first's saved result without running its effect`,
		{
			hint: `give each effect its own key, e.g. one per item: ctx.once(\`${key}:\${item.id}\`, …); a node that runs again after a resume or a retry may repeat its keys`,
		},
	);
}

/** `ctx.interrupt()` called after the node returned (from a timer, an unawaited callback). */
function lateInterrupt(node: string): WeftError {
	return new WeftError(
		"INVALID_GRAPH",
		`node "${node}" called ctx.interrupt() after it returned (from a timer or a callback nobody awaited): nothing can pause it any more`,
		{
			hint: "await ctx.interrupt() inside the node, before it returns",
		},
	);
}

/** `ctx.once()` called after the node returned (a stray promise): its step may be committed already. */
export function lateOnce(node: string, key: string): WeftError {
	return new WeftError(
		"INVALID_GRAPH",
		`node "${node}" called ctx.once("${key}") after it returned (from a timer or a promise nobody awaited): the effect did not run, and nothing was recorded for the node's step`,
		{
			hint: "await ctx.once() inside the node, before it returns (await every promise that calls it)",
		},
	);
}

/** Interrupts inside a subgraph run by a node are that node task's: they cannot be numbered with its own. */
export function mixedInterrupts(node: string): WeftError {
	return new WeftError(
		"INVALID_GRAPH",
		`node "${node}" ran a subgraph with invokeAsSubgraph() and also called interrupt() or another subgraph`,
		{
			hint: "run one subgraph per node and ask for input inside it, or split the node in two",
		},
	);
}
