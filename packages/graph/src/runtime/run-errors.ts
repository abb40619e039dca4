import {
	CheckpointError,
	type CheckpointRecord,
	ConfigError,
	isWeftError,
	ValidationError,
	WeftError,
} from "@weft/checkpoint";
import { allowedValues, type IssueLike, issueText } from "./issue-text.ts";

// The errors a run raises (most before it starts stepping), in one place so their wording stays consistent.

export const noThreadId = () =>
	new ConfigError(
		"CONFIG_INVALID",
		"a graph with a checkpointer needs a threadId in the run config",
		{
			hint: 'pass { threadId: "…" }: checkpoints are saved per thread',
		},
	);

export const commandWithoutResume = () =>
	new ConfigError(
		"CONFIG_INVALID",
		"a Command given as run input must carry `resume` or `update`",
		{
			hint: "pass new Command({ resume }) to answer an interrupt, or { update } to change the state before the run goes on",
		},
	);

export const commandGoto = () =>
	new ConfigError(
		"CONFIG_INVALID",
		"a Command given as run input cannot carry `goto`",
		{
			hint: "route from a node (return new Command({ goto })), or use updateState(config, values, { asNode }) to plan what runs next",
		},
	);

/** A node returned `Command({ resume })`: an answer is run input, there is nothing in a step for it to answer. */
export const commandResumeFromNode = (node: string) =>
	new WeftError(
		"INVALID_GRAPH",
		`node "${node}" returned a Command with \`resume\`: an answer to an interrupt is run input, a node's Command cannot carry one`,
		{
			hint: "return new Command({ update, goto }) from the node; answer interrupts with graph.invoke(new Command({ resume }), { threadId })",
		},
	);

/** The one error for "this needs a checkpointer" (runs that continue, state reads, time travel). */
export const needsCheckpointer = (what: string) =>
	new ConfigError(
		"CONFIG_INVALID",
		`${what} needs a checkpointer: this graph keeps no state between runs`,
		{
			hint: "compile it with { checkpointer: new MemoryCheckpointer() } or a durable store",
		},
	);

export const nothingToResume = (threadId: string) =>
	new WeftError(
		"NO_PENDING_INTERRUPT",
		`thread "${threadId}" has no checkpoint, so nothing to resume`,
		{
			hint: `start the thread with an input first: run(input, { threadId: "${threadId}" })`,
		},
	);

/** A resume aimed at a checkpoint whose step a later checkpoint committed (on another branch). */
export const stepCommittedElsewhere = (
	threadId: string,
	c: { checkpointId: string; step: number },
) =>
	new WeftError(
		"NO_PENDING_INTERRUPT",
		`checkpoint "${c.checkpointId}" (step ${c.step}) of thread "${threadId}" has no pending interrupt: a later checkpoint committed its step (a question it asked, if any, was answered on the branch that goes on from there)`,
		{
			hint: "answer the question where it is pending (getState().interrupts, or heads), or replay({ threadId, checkpointId }) to ask it again on a new branch",
		},
	);

/** A resume aimed at a checkpoint whose questions a copy of it took up (an earlier resume there). */
export const answeredOnCopy = (
	threadId: string,
	c: { checkpointId: string; step: number },
	taken: { copy: string; of: string },
) =>
	new WeftError(
		"NO_PENDING_INTERRUPT",
		`checkpoint "${c.checkpointId}" (step ${c.step}) of thread "${threadId}" has no pending interrupt: it was answered already, on the branch that goes on from ${taken.of === c.checkpointId ? "its copy" : `another copy of checkpoint "${taken.of}",`} "${taken.copy}"`,
		{
			hint: `read that branch (getState({ threadId: "${threadId}", checkpointId: "${taken.copy}" }), or its heads); to answer the question differently, replay({ threadId: "${threadId}", checkpointId: "${c.checkpointId}" }) asks it again on a new branch`,
		},
	);

/** A resume found nothing to answer on the newest head, while a question waits on another branch. */
export const pendingOnOtherBranch = (
	threadId: string,
	waiting: { checkpointId: string; branch: number },
) =>
	new WeftError(
		"NO_PENDING_INTERRUPT",
		`the newest head of thread "${threadId}" has no pending interrupt; an interrupt waits on branch ${waiting.branch}, at checkpoint "${waiting.checkpointId}"`,
		{
			hint: `to answer it, resume with { threadId: "${threadId}", checkpointId: "${waiting.checkpointId}" } (its questions: getState of that checkpoint, .interrupts); to continue the newest head without an answer, pass null as input`,
		},
	);

/** `checkpointId: null` (the empty state) with `null` or a `Command` as input: nothing to go on from. */
export const emptyStateNeedsInput = (threadId: string | undefined) =>
	new ConfigError(
		"CONFIG_INVALID",
		`checkpointId: null starts a new branch of thread "${threadId ?? "-"}" from the empty state, which needs input: null or a Command goes on from a checkpoint`,
		{
			hint: "pass the run's input with checkpointId: null, or leave checkpointId out (the newest head) or name a checkpoint to continue or resume",
		},
	);

export const nothingToContinue = (threadId: string) =>
	new ConfigError(
		"CONFIG_INVALID",
		`thread "${threadId}" has no checkpoint to continue from (a runner that stopped before its first checkpoint saved nothing, its input included); the thread now reads as failed`,
		{
			hint: `start the thread again with its input: run(input, { threadId: "${threadId}" })`,
		},
	);

export const unknownAsNode = (asNode: string, nodes: Iterable<string>) =>
	new WeftError(
		"UNKNOWN_NODE",
		`updateState: asNode "${asNode}" is not a node of this graph`,
		{
			hint: `use one of: ${[...nodes].join(", ")}`,
		},
	);

/** A path inside a value, after its root: `.key` and `[0]` steps. */
const REST = String.raw`((?:\.[^\s.[]+|\[\d+\])*)`;
/** The serializer's place of a step's write (its value) and of a snapshot's key. */
const WRITE_PLACE = new RegExp(String.raw`\$\.writes\[(\d+)\]\[2\]` + REST);
const SNAPSHOT_PLACE = new RegExp(String.raw`\$\.snapshot\.([^\s.[]+)` + REST);

/**
 * A value the store cannot keep, said in the user's terms: the serializer names a place in the record
 * (`$.writes[0][2].x`); the state key, and the node that wrote it, are what the user can fix.
 */
export function inStateTerms(
	error: unknown,
	record: CheckpointRecord,
): unknown {
	if (!isWeftError(error, "SERIALIZATION_FAILED")) return error;
	const message = error.message
		.replace(WRITE_PLACE, (found, index: string, path: string) => {
			const write = record.data.writes[Number(index)];
			return write === undefined
				? found
				: `"${write[1]}${path}" of the state (written by node "${write[0]}")`;
		})
		.replace(
			SNAPSHOT_PLACE,
			(_found, key: string, path: string) => `"${key}${path}" of the state`,
		);
	if (message === error.message) return error;
	return new CheckpointError("SERIALIZATION_FAILED", message, {
		hint: error.hint,
		cause: error,
	});
}

/**
 * A value a node gave or got that failed its schema (a human checkpoint's request, an answer to an
 * interrupt): a ValidationError naming the node and the first issue, with the values it allows (`root`
 * names an issue of the whole value). `error` is the schema's error; one without issues is said as it is.
 */
export function invalidValue(
	what: string,
	node: string,
	error: unknown,
	hint: string,
	root = "value",
): ValidationError {
	const issues = issuesOf(error);
	const first = issues[0];
	const detail =
		first === undefined
			? String(error)
			: `${first.path.join(".") || root}: ${issueText(first)}`;
	return new ValidationError(
		`${what} in node "${node}" is invalid: ${detail}`,
		{
			node,
			issues: issues.map((x) => {
				const values = allowedValues(x);
				return {
					code: x.code ?? "custom",
					path: x.path,
					message: issueText(x),
					...(values === undefined ? {} : { values }),
				};
			}),
			hint,
			cause: error,
		},
	);
}

function issuesOf(error: unknown): IssueLike[] {
	const issues = (error as { issues?: unknown } | null)?.issues;
	return typeof error === "object" && Array.isArray(issues)
		? (issues as IssueLike[])
		: [];
}
