import type { Checkpointer, PendingWrite } from "@weft/checkpoint";
import {
	checkpointNotFound,
	keysOf,
	refuseUnknownKeys,
	validateId,
} from "@weft/checkpoint";
import { INPUT_NODE, START, UPDATE_NODE } from "../constants.ts";
import { checkFirstInput, checkStateConfig } from "../runtime/check-config.ts";
import { checkSends } from "../runtime/check-sends.ts";
import { route } from "../runtime/route.ts";
import { unknownAsNode } from "../runtime/run-errors.ts";
import { RunStore } from "../runtime/run-store.ts";
import { graphChanged } from "../runtime/run-task.ts";
import type { GraphRuntime } from "../runtime/runtime.ts";
import { planTasks } from "../runtime/step/plan-tasks.ts";
import { emptyUsage } from "../runtime/usage.ts";
import { keptTrace } from "../telemetry/trace-parent.ts";

/**
 * Writes `values` as a new checkpoint after the given (or newest) one, as if `asNode` had returned them:
 * with `asNode`, what is due next is planned from that node's edges; without, it stays as it was, and the
 * new checkpoint carries the step's records (finished tasks, once results, pending and answered
 * interrupts), written with it, so nothing done or asked there is lost or done again. A node's own
 * questions carried are marked as asked before the update: an answer applies to one only while the node
 * still asks the same (decision 0174). The checkpoint it follows keeps its other children: an update is a
 * branch of its own. Like a run, it holds the thread's lease while it writes (`THREAD_BUSY` while a run
 * holds it, or waits with `waitForLease`).
 */
const UPDATE_OPTION_KEYS = keysOf<{ asNode?: string | undefined }>({
	asNode: true,
});

export async function updateState(
	rt: GraphRuntime,
	cp: Checkpointer,
	config: {
		threadId: string;
		checkpointId?: string | undefined;
		waitForLease?: number | undefined;
		context?: Readonly<Record<string, unknown>> | undefined;
	},
	update: unknown,
	options: { asNode?: string | undefined },
): Promise<string> {
	checkStateConfig(config);
	refuseUnknownKeys(options, UPDATE_OPTION_KEYS, "updateState");
	const { asNode } = options;
	validateId(config.threadId, "thread id");
	if (
		asNode !== undefined &&
		asNode !== START &&
		!rt.topology.nodes.has(asNode)
	)
		throw unknownAsNode(asNode, rt.topology.nodes);
	// as START (as LangGraph takes it): the values are the graph's input, and what START leads to is due
	const writer = asNode === START ? INPUT_NODE : (asNode ?? UPDATE_NODE);
	const { channels } = rt;
	// checked before the lease: a refused update leaves no trace
	const writes = channels.toWrites(writer, update);
	if (config.checkpointId === undefined)
		await checkFirstInput(rt, writes, cp, config, writer);
	const store = new RunStore(cp, config.threadId, "", undefined, undefined);
	const watch = await store.takeLease(
		{ waitForLease: config.waitForLease, ttlMs: rt.leaseTtlMs },
		undefined,
	);
	// the status the update leaves (undefined: the thread's as it was)
	let status: "done" | undefined;
	try {
		const loaded = await store.load(config.checkpointId, channels);
		if (loaded === undefined && config.checkpointId !== undefined)
			throw checkpointNotFound(config.threadId, "", config.checkpointId);
		const at = loaded?.tuple.checkpoint;
		const values = channels.apply(
			loaded?.values ?? channels.initial(),
			writes,
			{ strict: true },
		);
		let tasks = at?.data.tasks ?? [];
		let joins = at?.data.joins ?? {};
		// without asNode the due tasks are carried: one at a node this graph lacks could never run
		if (asNode === undefined && at !== undefined)
			for (const t of tasks)
				if (!rt.runners.has(t.node))
					throw graphChanged(t.node, {
						threadId: config.threadId,
						checkpointId: at.checkpointId,
						ns: "",
					});
		if (asNode !== undefined) {
			const targets = await route(rt, asNode, values, config.context ?? {});
			checkSends(rt, [{ node: asNode, targets }]);
			({ tasks, joins } = planTasks(
				rt.topology,
				[{ node: asNode, targets }],
				// an input starts the graph afresh: no join waits on what came before it
				asNode === START ? {} : joins,
			));
		} else if (loaded !== undefined)
			store.carry(
				writes.length === 0
					? loaded.tuple.pendingWrites
					: askedBeforeUpdate(loaded.tuple.pendingWrites),
			);
		store.branch();
		const id = await store.commit(
			{
				step: (at?.step ?? -1) + 1,
				// values written from outside, whether or not the checkpoint had children ("fork" is a branch's
				// copy of a checkpoint: decision 0087)
				source: "update",
				writes,
				nodes: [writer],
				tasks,
				joins,
				// the run going on from here links to the trace of the run that wrote `at`
				metadata: keptTrace(at?.metadata),
				usage: emptyUsage(),
			},
			values,
			rt.snapshots,
		);
		// nothing due at the new head (an update as the last node, or of a finished step): nothing waits
		// or runs any more, so the thread is done, not `interrupted` or `failed` as before it; a thread the
		// update made is done too (else its lease's `running` would read `stale`). With a node due, a
		// thread keeps its status (a fork of it, which `weft continue` runs).
		if (tasks.length === 0 || loaded === undefined) status = "done";
		return id;
	} finally {
		watch.dispose();
		await store.end(status);
	}
}

/**
 * `records` with the questions nodes asked themselves marked `beforeUpdate` (decision 0174): a subgraph's
 * question is not (the subgraph goes on with its own state: 0149), nor a pause before or after a node,
 * which asks nothing.
 */
function askedBeforeUpdate(records: readonly PendingWrite[]): PendingWrite[] {
	return records.map((r) =>
		r.kind === "interrupt" && r.when === undefined && r.subgraph === undefined
			? { ...r, beforeUpdate: true }
			: r,
	);
}
