// A compiled graph running as a node of a parent run (see docs/architecture.md, "Subgraphs").
import {
	type ChannelWrite,
	parentCycle,
	type StoredCheckpoint,
	WeftError,
} from "@weft/checkpoint";
import { INPUT_NODE } from "../constants.ts";
import type { NodeContext } from "../graph/types.ts";
import {
	askedByNode,
	ownInterrupt,
	settleChildQuestions,
} from "./changed-node-kind.ts";
import type { EventTask, RunResult, StreamEvent } from "./events.ts";
import { CancelSignal } from "./execute-tasks.ts";
import {
	InterruptSignal,
	interruptIndex,
	type TaskMemory,
} from "./interrupts.ts";
import { Run, SubgraphResult } from "./loop.ts";
import type { GraphRuntime } from "./runtime.ts";
import { mixedInterrupts } from "./task-calls.ts";
import { TaskContext, type TaskHost } from "./task-context.ts";
import { ResumeRejected } from "./task-interrupt.ts";
import { unreportedUsage } from "./unreported-usage.ts";
import { type RunUsage, sumUsage, takeSpent } from "./usage.ts";

/** Runs a compiled graph as the node `node` of a parent run: its own state, checkpoints under a namespace. */
export async function runSubgraph(
	rt: GraphRuntime,
	input: unknown,
	ctx: NodeContext,
	node: string,
): Promise<SubgraphResult> {
	const child = await runChild(rt, input, ctx, node);
	if (child.resumedFrom === undefined) return new SubgraphResult(child.writes);
	// resumed: the child's earlier steps ran in another run, so collect every step's writes from storage,
	// along its branch (a copy of its pause goes back through the copied checkpoint's parent, 0149)
	const { cp, threadId, ns, last } = child.resumedFrom;
	const steps: ChannelWrite[][] = [];
	const seen = new Set<string>();
	let id: string | null | undefined = last;
	while (id !== undefined && id !== null) {
		if (seen.has(id)) throw parentCycle({ threadId, ns, checkpointId: id });
		seen.add(id);
		const tuple = await cp.getTuple({ threadId, ns, checkpointId: id });
		if (tuple === undefined || isInput(tuple.checkpoint)) break;
		steps.push(tuple.checkpoint.data.writes);
		id = tuple.checkpoint.parentId;
	}
	return new SubgraphResult(steps.reverse().flat());
}

/** The child's input checkpoint, or a branch's copy of it (its writes are the input, not the child's). */
function isInput(c: StoredCheckpoint): boolean {
	return (
		c.source === "input" ||
		(c.source === "fork" && c.metadata.nodes.includes(INPUT_NODE))
	);
}

/**
 * Runs a compiled graph inside a node task (`graph.invokeAsSubgraph(ctx, input)`) and returns its final
 * state: checkpoints under the namespace `name`, interrupts paused and resumed through the task.
 */
export async function subgraphValues(
	rt: GraphRuntime,
	input: unknown,
	ctx: NodeContext,
	name: string,
): Promise<Record<string, unknown>> {
	const calls = TaskContext.internals(ctx)?.calls;
	if (calls !== undefined) {
		if (calls.subgraph || calls.interrupts > 0) throw mixedInterrupts(ctx.node);
		calls.subgraph = true;
	}
	return (await runChild(rt, input, ctx, name)).values;
}

/**
 * Runs (or, when the task runs again, resumes) the child run of a subgraph task. A child interrupt
 * becomes the task's interrupt; answers to it are marked as used on the task.
 */
async function runChild(
	rt: GraphRuntime,
	input: unknown,
	ctx: NodeContext,
	name: string,
) {
	const internals = TaskContext.internals(ctx)?.scope;
	if (internals === undefined)
		throw new WeftError(
			"INVALID_GRAPH",
			`subgraph "${name}" was called outside a run`,
			{ hint: "call it from a node function, with the node's ctx" },
		);
	const { host } = internals;
	const ns = host.ns === "" ? name : `${host.ns}:${name}`;
	const parentTask = `${host.checkpointId ?? "-"}/${internals.taskId}`;
	const cp = host.checkpointer;
	const threadId = host.threadId;
	let existing: string | undefined;
	if (cp !== undefined && threadId !== undefined) {
		for await (const s of cp.list(
			{ threadId, ns },
			{ filter: { parentTask }, limit: 1 },
		))
			existing = s.checkpointId;
	}
	// no run of this child yet, but the task asked a question of its own: not this child's to answer
	const own =
		existing === undefined ? ownInterrupt(internals.memory) : undefined;
	if (own !== undefined)
		throw new ResumeRejected(askedByNode(internals.node, own, host));
	// no run of this child for this checkpoint, which is a copy (an update's, a branch's) of one where the
	// child paused: the child goes on from its pause, as a branch of its own (0149)
	const pausedAt =
		existing === undefined ? childPause(internals.memory, ns) : undefined;
	if (pausedAt !== undefined) existing = pausedAt;
	// what earlier runs of the child committed and the parent holds no usage of: their runner died (0211)
	const owed =
		cp === undefined ||
		threadId === undefined ||
		existing === undefined ||
		pausedAt !== undefined
			? undefined
			: await unreportedUsage(
					{ cp, threadId, ns, parentTask },
					existing,
					internals.memory,
				);
	const {
		checkpointId: _c,
		interruptBefore: _b,
		interruptAfter: _a,
		...inherited
	} = host.config;
	const run = new Run(
		rt,
		{
			...inherited,
			signal: ctx.signal,
			...(existing === undefined ? {} : { checkpointId: existing }),
		},
		{
			ns,
			checkpointer: cp,
			parentTask,
			...(pausedAt === undefined ? {} : { copy: true }),
			fence: host.fence,
			confirmLease: host.confirmLease,
			answersById: internals.answersById,
			...forwardEvents(host, name, {
				node: internals.node,
				id: internals.taskId,
				checkpointId: host.checkpointId,
			}),
		},
	);
	// the child's usage goes to the parent's step with the checkpoint it reached, which the parent's
	// records name for the task: a run going on with the child counts only what came after (0211)
	const report = (usage: RunUsage | undefined) => {
		const reached = run.checkpointId;
		const total =
			owed === undefined
				? usage
				: usage === undefined
					? owed
					: sumUsage(owed, usage);
		if (total !== undefined)
			host.mergeUsage(
				ctx.node,
				total,
				reached === undefined ? undefined : [internals.taskId, reached],
			);
		if (reached !== undefined) internals.memory.subgraphUsage = reached;
	};
	let result: RunResult;
	try {
		result = await run.execute(
			existing === undefined ? pick(input, rt.channels.keys) : null,
		);
	} catch (error) {
		// what a failed child spent is the parent's too (decision 0071): in its usage and its error's
		report(takeSpent(error));
		// the child left its records as they were: so does this task (the parent stays paused)
		if (run.refused) throw new ResumeRejected(error as WeftError);
		throw error;
	}
	report(result.usage);

	for (const id of run.answered) {
		const index = interruptIndex(internals.memory, id);
		if (index === undefined || internals.memory.resumes.has(index)) continue;
		internals.memory.resumes.set(index, null);
		await host.persist([
			{ kind: "resume", taskId: internals.taskId, index, value: null },
		]);
	}
	if (result.status === "interrupted") {
		const at = result.checkpointId;
		throw new InterruptSignal(
			result.interrupts.map((i, index) => ({
				index,
				value: i.value,
				id: i.id,
				subgraph: ns,
				...(at === undefined ? {} : { subgraphCheckpoint: at }),
			})),
		);
	}
	if (result.status === "cancelled") throw new CancelSignal(ctx.signal.reason);
	// the child finished: the questions it had asked are settled for this task (not stored: the task's
	// own result is), which tells a task that finished without its child apart (`droppedQuestion`, 0130)
	settleChildQuestions(internals.memory, ns);
	return {
		values: result.values as Record<string, unknown>,
		writes: run.writesLog,
		resumedFrom:
			cp === undefined || threadId === undefined || existing === undefined
				? undefined
				: { cp, threadId, ns, last: result.checkpointId },
	};
}

/**
 * The child checkpoint where the child run at `ns` paused with the newest question the task holds
 * (records carried to a copy of the parent's checkpoint); undefined when it asked none, or the records
 * predate 0149.
 */
function childPause(memory: TaskMemory, ns: string): string | undefined {
	if (memory.interruptCount === 0) return undefined;
	let newest: { index: number; at: string } | undefined;
	for (const [index, i] of memory.interrupts) {
		if (i.subgraph !== ns || i.subgraphCheckpoint === undefined) continue;
		if (newest === undefined || index > newest.index)
			newest = { index, at: i.subgraphCheckpoint };
	}
	return newest?.at;
}

function pick(
	input: unknown,
	keys: readonly string[],
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	if (typeof input !== "object" || input === null) return out;
	for (const key of keys)
		if (key in input) out[key] = (input as Record<string, unknown>)[key];
	return out;
}

/**
 * Run options that pass a subgraph's `message` and `custom` events up to the parent's stream, named
 * `parent:child` by node (only the modes the parent's caller consumes), their origin under `parent`'s
 * task; with `subgraphs` asked for, also its own `values`, `update`, `checkpoint` and `task` events, their
 * namespace under `parent`'s task.
 */
function forwardEvents(host: TaskHost, node: string, parent: EventTask) {
	const sub = host.subgraphs;
	if (host.streams.size === 0 && sub === undefined) return {};
	return {
		modes: sub === undefined ? host.streams : sub.modes,
		subgraphs: sub !== undefined,
		sink: (event: StreamEvent) => {
			if (event.type === "message")
				host.emit(
					`${node}:${event.node}`,
					"message",
					event.chunk,
					{ step: event.step, tasks: [parent, ...event.tasks] },
					event.modelParams,
				);
			else if (event.type === "custom" && sub !== undefined)
				sub.forward({
					...event,
					node: `${node}:${event.node}`,
					namespace: [parent, ...(event.namespace ?? [])],
				});
			else if (event.type === "custom")
				host.emit(`${node}:${event.node}`, "custom", event.data, {
					step: host.step,
					tasks: [parent],
				});
			else if (
				sub !== undefined &&
				(event.type === "values" ||
					event.type === "update" ||
					event.type === "checkpoint" ||
					event.type === "task")
			)
				sub.forward({
					...event,
					namespace: [parent, ...(event.namespace ?? [])],
				});
		},
	};
}
