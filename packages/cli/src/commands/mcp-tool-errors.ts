import { isWeftError, WeftError } from "@weft/checkpoint";
import { shellWord } from "../store.ts";

// The errors of `weft mcp`'s graph tools in the words of an MCP host: what it can call, not the library's.

/** Errors whose hint is already in tool terms (`inToolTerms` leaves them as they are). */
const inTerms = new WeakSet<object>();

/** Marks an error made in tool terms already. */
export function saidInToolTerms(error: WeftError): void {
	inTerms.add(error);
}

/**
 * An error said with the tools a host has: the runtime's hints name library calls (`run(input, …)`,
 * `getState()`, input null, `waitForLease`) that an MCP client cannot make.
 */
export function inToolTerms(
	error: unknown,
	name: string,
	threadId: string,
	/** The ids of the pauses waiting when the call began, when it answers one. */
	waiting: readonly string[] = [],
	cli = "weft",
): unknown {
	if (!isWeftError(error) || inTerms.has(error)) return error;
	const goOn = `${name}_resume with { "threadId": "${threadId}", "continue": true }`;
	const scopes = scopesLacked(error);
	if (scopes !== undefined)
		// an agent's approval of a tool the run's scopes do not cover: no answer a host sends approves it (a
		// call has no scopes to give; decision 0262)
		return new WeftError(error.code, error.message, {
			hint: `the run's scopes (saved with the thread; a run started over MCP has none) do not cover the tool: reject it with ${name}_resume { "threadId": "${threadId}", "resume": { "action": "reject", "reason": "…" } }, or approve it from a terminal as a caller granted them: \`${cli} approve ${shellWord(threadId)} --scopes ${scopes}\`; the request is still pending`,
			cause: error,
		});
	const hint =
		error.code === "NO_PENDING_INTERRUPT"
			? `nothing waits for an answer on thread ${threadId}: it was answered already, or its run stopped after the answer (failed, cancelled, or its process died: ${goOn} goes on from its last saved step), or it never paused; call ${name} to start a new run`
			: error.code === "THREAD_BUSY"
				? `another run holds thread ${threadId}: a call still running, or one whose process died (its hold lapses within 30 s); call again once it has ended`
				: error.code === "NODE_FAILED"
					? `${error.hint ?? "fix what the node needs"}; then ${goOn} runs the failed step again`
					: error.code === "GRAPH_RECURSION_LIMIT"
						? `the run stopped at its last saved step and reads failed: a loop with no way to END, or a longer run than the graph's step limit; ${goOn} runs on for as many steps again, or call ${name} to start a new run`
						: error.code === "AMBIGUOUS_RESUME"
							? `answer one pause at a time: ${name}_resume with { "threadId": "${threadId}", "interruptId": "<id>", "resume": … }, ids: ${waiting.join(", ")}`
							: undefined;
	if (hint === undefined) return error;
	return new WeftError(error.code, error.message, { hint, cause: error });
}

/** The scopes an answer refused for the caller's scopes lacks ("a:b,c:d"), or undefined for another error. */
function scopesLacked(error: WeftError): string | undefined {
	if (error.code !== "VALIDATION_FAILED") return undefined;
	const issues = (error as { issues?: { path: unknown[]; message: string }[] })
		.issues;
	const scoped = issues?.find((i) => i.path[0] === "scopes");
	if (scoped === undefined) return undefined;
	return (
		/lacks (.+?), which/.exec(scoped.message)?.[1]?.replaceAll(", ", ",") ?? "…"
	);
}
