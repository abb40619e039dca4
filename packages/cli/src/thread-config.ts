import type {
	Checkpointer,
	CheckpointSummary,
	CheckpointTuple,
} from "@weft/checkpoint";
import { type Interrupt, pendingInterrupts, type RunConfig } from "@weft/graph";
import { freeAnswer, optionalNote, resumeCommand } from "./answer-shape.ts";
import { ancestry } from "./branches.ts";
import { UsageError } from "./cli-error.ts";
import { WEFT } from "./invocation.ts";
import { parseJsonArg } from "./parse-value.ts";
import { readableSummaries } from "./readable-list.ts";
import { shellWord } from "./store.ts";

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
	// `--scopes "$SCOPES"` with the variable unset: taken as "no scopes" it ran, or answered, as a caller
	// granted none without a word
	if (scopes?.length === 0)
		throw new UsageError(
			`--scopes names no scope (got ${JSON.stringify(o.scopes)})`,
			`give the scopes comma-separated (--scopes mail:send,mail:read), or leave --scopes out (a run then has none; an answer uses the ones saved with the thread); to answer as a caller with none, --context '{"scopes":[]}'`,
		);
	return { ...context, ...(scopes === undefined ? {} : { scopes }) };
}

/**
 * The context saved on a branch: the one recorded by the run that wrote `checkpointId` (default: the
 * thread's newest checkpoint), so each branch runs and is answered with the user and scopes it was run
 * with. A checkpoint no run wrote (`weft fork`: `updateState` records no metadata) takes the context of
 * the checkpoint it follows; a run's checkpoint without a context (a run given none) has none.
 */
export async function storedContext(
	checkpointer: Checkpointer,
	threadId: string,
	checkpointId?: string,
): Promise<Record<string, unknown> | undefined> {
	const byId = new Map<string, CheckpointSummary>();
	let newest: string | undefined;
	for await (const s of readableSummaries(checkpointer, threadId)) {
		newest ??= s.checkpointId;
		byId.set(s.checkpointId, s);
	}
	for (const s of ancestry(byId, checkpointId ?? newest ?? "")) {
		const { context, graph } = s.metadata;
		if (typeof context === "string") {
			try {
				return JSON.parse(context) as Record<string, unknown>;
			} catch {
				return undefined;
			}
		}
		// written by a CLI run given no context: this branch has none
		if (graph !== undefined) return undefined;
	}
	return undefined;
}

/**
 * The run config of a command that continues a thread: the recorded graph module, and the given context
 * (which replaces the recorded one: an approver's own scopes are checked against the request) or else
 * the one recorded on the branch it runs. Both are recorded again with the run's checkpoints.
 */
export async function threadRunConfig(
	checkpointer: Checkpointer,
	threadId: string,
	ref: string,
	given: Record<string, unknown> | undefined,
	/** The checkpoint the command runs from (default: the newest): its branch's context applies. */
	checkpointId?: string,
): Promise<Pick<RunConfig, "threadId" | "context" | "metadata">> {
	const context =
		given ?? (await storedContext(checkpointer, threadId, checkpointId));
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

/**
 * The hint for a thread waiting for an answer to `asked` (its questions, the first answered first): where
 * to see them, and the command that answers: approve/reject/resume, or for a question whose answer has no
 * `action`, resume with a value of its response's shape.
 */
export function answerHint(
	threadId: string,
	asked: readonly Interrupt[],
	checkpointId?: string,
): string {
	const t = shellWord(threadId);
	const at =
		checkpointId === undefined
			? ""
			: ` --checkpoint ${shellWord(checkpointId)}`;
	const id = asked.length > 1 ? ` --id ${asked[0]!.id}` : "";
	const free = asked.length === 0 ? undefined : freeAnswer(asked[0]!.value);
	return free === undefined
		? `see what it asks with \`${WEFT} pending --thread ${t}\`, then answer with \`${WEFT} approve ${t}${at}${id}\`, \`reject\` or \`resume\``
		: `see what it asks with \`${WEFT} pending --thread ${t}\`, then answer with \`${resumeCommand(WEFT, t, `${at}${id}`, free)}\`${optionalNote(free)}`;
}

/**
 * The questions waiting for an answer at a checkpoint. A pause before or after a node
 * (`interruptBefore`/`After`) is no question: going on goes past it; nor is one a fork carried from before
 * its update: going on asks it anew, of the new state.
 */
export function questionsAt(tuple: CheckpointTuple): Interrupt[] {
	const carried = new Set(
		tuple.pendingWrites.flatMap((w) =>
			w.kind === "interrupt" && w.beforeUpdate === true ? [w.id] : [],
		),
	);
	return pendingInterrupts(tuple).filter(
		(i) => i.when === undefined && !carried.has(i.id),
	);
}

/**
 * Refuses to run on a thread whose checkpoint has nothing due (a finished run): `continue` or
 * `recover` would run 0 steps and say nothing useful. A `stale` thread is let through: its runner may
 * have died after its last checkpoint, and running it on records how it ended.
 */
export async function refuseFinished(
	checkpointer: Checkpointer,
	threadId: string,
	command: "continue" | "recover",
	checkpointId?: string,
): Promise<void> {
	const thread = await checkpointer.getThread(threadId);
	if (thread === undefined || thread.status === "stale") return;
	const tuple = await checkpointer.getTuple({ threadId, checkpointId });
	if (tuple === undefined) return;
	// going on at a request nobody answered runs the asking node again, to ask again: its work before the
	// question (what it did not wrap in ctx.once) would run once more for nothing
	const asked = command === "continue" ? questionsAt(tuple) : [];
	if (asked.length > 0)
		throw new UsageError(
			`thread "${threadId}" is waiting for an answer${checkpointId === undefined ? "" : ` at checkpoint ${checkpointId}`}: continuing would only ask again`,
			answerHint(threadId, asked, checkpointId),
		);
	const next = tuple.checkpoint.metadata.next ?? [];
	const waits = tuple.pendingWrites.some((w) => w.kind === "interrupt");
	if (next.length > 0 || waits) return;
	throw new UsageError(
		`thread "${threadId}" is done at ${checkpointId === undefined ? "its newest checkpoint" : `checkpoint ${checkpointId}`}: nothing to ${command}`,
		`branch off a past step with \`weft fork ${threadId} --at <step> --set key=value\`, or start its next turn with \`weft run <module> --thread ${threadId}\``,
	);
}
