import {
	ConfigError,
	isUnreadableData,
	ValidationError,
	validateId,
	WeftError,
} from "@weft/checkpoint";
import {
	type CompiledGraph,
	resendsAnswer,
	unknownInterruptIds,
} from "@weft/graph";
import type { ServerContext } from "./context.ts";
import { type RunCreateBody, runCheckpointId } from "./schemas.ts";
import { headOf } from "./thread-head.ts";
import { hasCheckpoint } from "./thread-lease.ts";
import type { ThreadRecord } from "./thread-registry.ts";
import { fromWire } from "./wire-values.ts";

type AnyGraph = CompiledGraph<any, any>;

/**
 * Refuses, before any run is created, a request that could only make a run that fails (decision 0055):
 * what the request alone shows (a `goto` or empty command, unknown node names, a malformed checkpoint id).
 */
export function checkRunRequest(graph: AnyGraph, b: RunCreateBody): void {
	const command = b.command;
	if (command != null && command.goto !== undefined)
		throw new ConfigError(
			"CONFIG_INVALID",
			"command.goto is not accepted as run input: a run cannot be sent to a node from outside",
			{
				hint: "route from a node (return a Command with goto), or write the state as that node with threads.updateState(thread, values, { asNode }) and run with input null (decision 0050); resume with command: { resume }, or change the state with command: { update }",
			},
		);
	if (command != null && !("resume" in command) && command.update == null)
		throw new ConfigError(
			"CONFIG_INVALID",
			"a command given as run input must carry resume or update",
			{ hint: "send command: { resume: … } or command: { update: {…} }" },
		);
	const nodes = topLevelNodes(graph);
	for (const key of ["interrupt_before", "interrupt_after"] as const) {
		const given = b[key];
		if (given === undefined || given === "*") continue;
		const unknown = given.filter((n) => !nodes.has(n));
		if (unknown.length > 0)
			throw new ConfigError(
				"CONFIG_INVALID",
				`${key} names ${unknown.map((n) => `"${n}"`).join(", ")}, which ${unknown.length === 1 ? "is not a node" : "are not nodes"} of graph "${graph.name}"`,
				{
					hint: `pass names of the graph's nodes: ${[...nodes].map((n) => `"${n}"`).join(", ")}, or "*"`,
				},
			);
	}
	const at = runCheckpointId(b);
	if (at !== undefined) validateId(at, "checkpoint id");
}

/** A command's update the state schema refuses: VALIDATION_FAILED naming `command.update` and the key. */
async function checkCommandUpdate(
	graph: AnyGraph,
	update: Record<string, unknown>,
): Promise<void> {
	try {
		graph.validateInput(await fromWire(update).catch(() => update));
	} catch (error) {
		if (!(error instanceof ValidationError)) throw error;
		throw new ValidationError(
			error.message.replace(/^the run's input/, "command.update"),
			{ hint: error.hint, issues: error.issues, node: error.node },
		);
	}
}

/**
 * Refuses a run whose start the thread's state already rules out (decision 0055): a checkpoint the thread
 * does not have (`CHECKPOINT_NOT_FOUND`), a thread whose state this graph cannot read or whose due nodes it
 * lacks (`GRAPH_CHANGED`), a single resume value for several pending interrupts (`AMBIGUOUS_RESUME`).
 * Read only when the request needs it, and only on a thread with no active run (a queued run starts from
 * a state not written yet; its run checks then).
 */
export async function checkRunStart(
	ctx: ServerContext,
	graph: AnyGraph,
	graphId: string,
	thread: ThreadRecord,
	b: RunCreateBody,
): Promise<void> {
	const resume = b.command != null && "resume" in b.command;
	const given = runCheckpointId(b);
	let at: string | null | undefined = given;
	const otherGraph = thread.graphId !== undefined && thread.graphId !== graphId;
	// input the state schema refuses (or a thread's first input without a required key) fails as a run
	// would, before one is made: 422 VALIDATION_FAILED
	if (b.command == null && b.input != null)
		graph.validateInput(await fromWire(b.input).catch(() => b.input), {
			firstInput:
				!otherGraph &&
				!(await hasCheckpoint(ctx.checkpointer, thread.threadId)),
		});
	// so is a command's update (a partial state, as a node's): the run would fail at its first step and
	// leave the thread `error`, a pending question still unanswered
	if (b.command?.update != null)
		await checkCommandUpdate(graph, b.command.update);
	// no input and nothing to go on from (a new thread, or one whose runs were all rolled back): the run
	// could only fail, and would leave the thread `error`. A command without resume (only an update: a
	// command's run takes no input) changes the state the thread has, and has none to change here
	const continues = b.command != null ? !resume : b.input == null;
	if (continues && at === undefined) {
		const head = await headOf(ctx, thread);
		if (
			head === null ||
			(head === undefined &&
				!(await hasCheckpoint(ctx.checkpointer, thread.threadId)))
		)
			throw new WeftError(
				"CONFIG_INVALID",
				b.command != null
					? `thread "${thread.threadId}" has no state to go on from: command.update changes the state of a thread that has one`
					: `thread "${thread.threadId}" has no state to go on from: a run without input (input null) continues a thread`,
				{
					hint: "send input (the graph's first state, without a command) to start the thread",
				},
			);
	}
	if (at === undefined && !resume && !otherGraph) return;
	if (at === undefined) {
		at = await headOf(ctx, thread);
		// the empty state (a rolled-back first run), or no checkpoint yet: nothing waits to be answered,
		// and nothing else to check against
		if (
			at === null ||
			(at === undefined &&
				!(await hasCheckpoint(ctx.checkpointer, thread.threadId)))
		) {
			if (resume) throw noPendingInterrupt(thread.threadId, undefined);
			return;
		}
	}
	// the run answers any waiting head only when it starts from the newest (not from a given checkpoint,
	// nor from before rolled-back runs)
	const latest = at === undefined;
	// throws CHECKPOINT_NOT_FOUND, or GRAPH_CHANGED for a stored key this graph's schema lacks
	const snap = await graph.getState({
		threadId: thread.threadId,
		checkpointId: at,
	});
	const nodes = topLevelNodes(graph);
	const missing = snap.next.filter((n) => !nodes.has(n));
	if (missing.length > 0)
		throw new WeftError(
			"GRAPH_CHANGED",
			`checkpoint "${snap.checkpointId}" of thread "${thread.threadId}" has a task due at node "${missing[0]}", which graph "${graphId}" does not have`,
			{
				hint: `run the thread with its own graph${thread.graphId === undefined ? "" : ` ("${thread.graphId}")`}, or start a new thread`,
			},
		);
	const value = b.command?.resume;
	const pending = snap.interrupts;
	// nothing to answer: the run could only fail (a second approver, late), so no run is made for it and
	// the thread keeps its status; without a checkpoint id, a resume map by interrupt id goes to the head
	// where all of its ids wait, as the run itself picks it
	if (
		resume &&
		pending.length === 0 &&
		!(latest && (await headWaitsFor(graph, thread.threadId, snap, value))) &&
		!(await resent(ctx, thread.threadId, snap.checkpointId, value))
	)
		throw noPendingInterrupt(
			thread.threadId,
			given === undefined ? undefined : snap.checkpointId,
			latest ? await waitingBranch(graph, thread.threadId, snap) : undefined,
		);
	// a map by interrupt id naming one that does not wait here could only fail, as the run matches it;
	// without a checkpoint id, unless another head has all of its ids waiting (a fork's)
	const unknown =
		pending.length === 0
			? []
			: unknownInterruptIds(value, new Set(pending.map((i) => i.id)));
	if (
		resume &&
		unknown.length > 0 &&
		!(latest && (await headWaitsFor(graph, thread.threadId, snap, value)))
	)
		throw new WeftError(
			"UNKNOWN_INTERRUPT_ID",
			`no pending interrupt of thread "${thread.threadId}" has id ${unknown.map((k) => `"${k}"`).join(", ")}`,
			{
				hint: `pending ids: ${pending.map((i) => i.id).join(", ")} (the thread's interrupts); an id already answered is not pending any more`,
			},
		);
	// a map by interrupt id is matched by the run itself; any other value answers one interrupt only
	if (
		resume &&
		pending.length > 1 &&
		(typeof value !== "object" || value === null || Array.isArray(value))
	)
		throw new WeftError(
			"AMBIGUOUS_RESUME",
			`${pending.length} interrupts are pending; a single resume value cannot answer them`,
			{
				hint: `resume with a map by interrupt id: { ${pending.map((i) => `"${i.id}": …`).join(", ")} }`,
			},
		);
}

/**
 * The answer a run recorded at the checkpoint and did not finish the step of, sent again (a client's
 * retry after that run failed, was cancelled or died): the run goes on with it (decision 0178), so the
 * server makes the run rather than refusing it.
 */
async function resent(
	ctx: ServerContext,
	threadId: string,
	checkpointId: string,
	value: unknown,
): Promise<boolean> {
	const tuple = await ctx.checkpointer.getTuple({ threadId, checkpointId });
	return tuple !== undefined && resendsAnswer(tuple, value);
}

/**
 * A resume with nothing to answer (at `checkpointId` when the request named one); `waiting`: the newest
 * other head where a question waits, named so that the answer can go there (as the library's error says).
 */
function noPendingInterrupt(
	threadId: string,
	checkpointId: string | undefined,
	waiting?: { checkpointId: string; branch: number },
): WeftError {
	if (waiting !== undefined)
		return new WeftError(
			"NO_PENDING_INTERRUPT",
			`the newest head of thread "${threadId}" has no pending interrupt; an interrupt waits on branch ${waiting.branch}, at checkpoint "${waiting.checkpointId}"`,
			{
				hint: `to answer it, send the resume with checkpoint_id "${waiting.checkpointId}" (its questions: GET /threads/${threadId}/state/${waiting.checkpointId}); to go on from the newest head without an answer, send input null`,
			},
		);
	return new WeftError(
		"NO_PENDING_INTERRUPT",
		`thread "${threadId}" has no pending interrupt${checkpointId === undefined ? "" : ` at checkpoint "${checkpointId}"`} to resume`,
		{
			hint: "read the thread's state (its interrupts) first: it may have been answered already, or nothing has run on it yet; to go on without an answer send input null (after a run that failed or was cancelled once the answer was given, the same answer sent again goes on too)",
		},
	);
}

/** The newest head other than `snap`'s with a pending interrupt, and its branch (1: the newest head). */
async function waitingBranch(
	graph: AnyGraph,
	threadId: string,
	snap: Awaited<ReturnType<AnyGraph["getState"]>>,
): Promise<{ checkpointId: string; branch: number } | undefined> {
	const heads = snap.heads ?? [];
	for (const [i, head] of heads.entries()) {
		if (head === snap.checkpointId) continue;
		// a head whose stored data is damaged is passed over: the refusal still names a healthy one
		const interrupts = await graph
			.getState({ threadId, checkpointId: head })
			.then(
				(s) => s.interrupts,
				(error: unknown) => {
					if (isUnreadableData(error)) return [];
					throw error;
				},
			);
		if (interrupts.length > 0) return { checkpointId: head, branch: i + 1 };
	}
	return undefined;
}

/**
 * Whether a head other than the newest (`snap`) has every interrupt id a resume map names waiting (a
 * fork's), where the run would answer it; a resume value that is no map answers the newest head only.
 */
async function headWaitsFor(
	graph: AnyGraph,
	threadId: string,
	snap: Awaited<ReturnType<AnyGraph["getState"]>>,
	value: unknown,
): Promise<boolean> {
	const ids =
		typeof value === "object" &&
		value !== null &&
		Object.getPrototypeOf(value) === Object.prototype
			? Object.keys(value)
			: [];
	if (ids.length === 0) return false;
	for (const head of snap.heads ?? []) {
		if (head === snap.checkpointId) continue;
		const { interrupts } = await graph.getState({
			threadId,
			checkpointId: head,
		});
		if (ids.every((id) => interrupts.some((i) => i.id === id))) return true;
	}
	return false;
}

const nodeNames = new WeakMap<AnyGraph, Set<string>>();

/**
 * The names of a graph's own nodes (not its subgraphs'): its description is built once per registered
 * graph, not on every run request.
 */
export function topLevelNodes(graph: AnyGraph): ReadonlySet<string> {
	let names = nodeNames.get(graph);
	if (names === undefined) {
		names = new Set(
			graph
				.describe()
				.nodes.filter(
					(n) =>
						n.parent === null && n.id !== "__start__" && n.id !== "__end__",
				)
				.map((n) => n.name),
		);
		nodeNames.set(graph, names);
	}
	return names;
}
