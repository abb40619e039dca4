import type { Checkpointer } from "@weft/checkpoint";
import type { RunConfig } from "@weft/graph";
import { UsageError } from "./cli-error.ts";
import { parseJsonArg } from "./parse-value.ts";

/** What a command may say about the run's context: `--context json|@file` and `--scopes a,b`. */
export interface ContextOptions {
	context?: string;
	scopes?: string;
}

/** The context given on the command line, or undefined when none was. */
export function givenContext(
	o: ContextOptions,
): Record<string, unknown> | undefined {
	if (o.context === undefined && o.scopes === undefined) return undefined;
	const context =
		o.context === undefined ? {} : parseJsonArg(o.context, "--context");
	if (typeof context !== "object" || context === null || Array.isArray(context))
		throw new UsageError(
			"--context must be a JSON object",
			`e.g. --context '{"user":"ann","scopes":["mail:send"]}'`,
		);
	const scopes = o.scopes
		?.split(",")
		.map((s) => s.trim())
		.filter((s) => s !== "");
	return { ...context, ...(scopes === undefined ? {} : { scopes }) };
}

/**
 * The context a thread's last run recorded (`weft run --context` saves it with the thread, so a resume
 * from another process runs with the same user and scopes).
 */
export async function storedContext(
	checkpointer: Checkpointer,
	threadId: string,
): Promise<Record<string, unknown> | undefined> {
	for await (const s of checkpointer.list({ threadId }, { limit: 1 })) {
		const raw = s.metadata.context;
		if (typeof raw !== "string") return undefined;
		try {
			return JSON.parse(raw) as Record<string, unknown>;
		} catch {
			return undefined;
		}
	}
	return undefined;
}

/**
 * The run config of a command that continues a thread: the recorded graph module, and the given context
 * (which replaces the recorded one: an approver's own scopes are checked against the request) or else
 * the recorded one. Both are recorded again with the run's checkpoints.
 */
export async function threadRunConfig(
	checkpointer: Checkpointer,
	threadId: string,
	ref: string,
	given: Record<string, unknown> | undefined,
): Promise<Pick<RunConfig, "threadId" | "context" | "metadata">> {
	const context = given ?? (await storedContext(checkpointer, threadId));
	return runConfig(threadId, ref, context);
}

/** Run config recording the graph module and the context with every checkpoint of the run. */
export function runConfig(
	threadId: string,
	ref: string,
	context: Record<string, unknown> | undefined,
): Pick<RunConfig, "threadId" | "context" | "metadata"> {
	return {
		threadId,
		...(context === undefined ? {} : { context }),
		metadata: {
			graph: ref,
			...(context === undefined ? {} : { context: JSON.stringify(context) }),
		},
	};
}
