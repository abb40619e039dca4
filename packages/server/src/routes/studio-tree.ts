// The studio's timeline rows: a thread's checkpoints newest first, a page at a time, past rows that no
// longer read.
import type { CheckpointSummary } from "@weft/checkpoint";
import { corruptCheckpointOf, WeftError } from "@weft/checkpoint";
import type { ServerContext } from "../context.ts";

const summary = (s: CheckpointSummary) => ({
	checkpoint_id: s.checkpointId,
	parent_id: s.parentId,
	step: s.step,
	source: s.source as string,
	created_at: s.createdAt,
	seq: s.seq,
	nodes: s.metadata.nodes,
	next: s.metadata.next,
	changed: s.metadata.changed,
});

/** A timeline row; `source` is `damaged` (and `damaged` set) for a checkpoint whose row does not read. */
type TreeRow = ReturnType<typeof summary> & {
	damaged?: { code: string; message: string };
};

/**
 * Up to `count` rows of the thread's checkpoints, newest first, older than `before` when given
 * (`CHECKPOINT_NOT_FOUND` when the thread has no such checkpoint). A checkpoint whose own row no longer
 * reads stops the store's listing there: it is a damaged row (with the store's error), and the listing
 * goes on before it, so one bad row does not hide the thread's other checkpoints.
 */
export async function treeRows(
	ctx: ServerContext,
	threadId: string,
	count: number,
	before: string | undefined,
): Promise<TreeRow[]> {
	if (before !== undefined && !(await stored(ctx, threadId, before)))
		throw new WeftError(
			"CHECKPOINT_NOT_FOUND",
			`no checkpoint "${before}" in thread "${threadId}" to page before`,
			{
				hint: "pass the last checkpoint_id of the previous page as ?before=",
			},
		);
	const out: TreeRow[] = [];
	let bound = before;
	while (out.length < count) {
		try {
			for await (const s of ctx.checkpointer.list(
				{ threadId },
				{ limit: count - out.length, before: bound },
			))
				out.push(summary(s));
			break;
		} catch (error) {
			const place = corruptCheckpointOf(error);
			if (place === undefined) throw error;
			out.push(damagedRow(place.checkpointId, error as WeftError, out.at(-1)));
			bound = place.checkpointId;
		}
	}
	return out;
}

/**
 * A checkpoint the store could not list (its row does not read): its id and error, placed after the row
 * listed before it (`seq` between that row's and the next one's; the newest when none was).
 */
function damagedRow(
	checkpointId: string,
	error: WeftError,
	newer: TreeRow | undefined,
): TreeRow {
	return {
		checkpoint_id: checkpointId,
		parent_id: null,
		step: newer === undefined ? -1 : newer.step - 1,
		source: "damaged",
		created_at: "",
		seq: newer === undefined ? Number.MAX_SAFE_INTEGER : newer.seq - 0.5,
		nodes: [],
		next: [],
		changed: [],
		damaged: { code: error.code, message: error.message },
	};
}

/** Whether the thread has the checkpoint, also when its row does not read (a damaged row is one). */
async function stored(
	ctx: ServerContext,
	threadId: string,
	checkpointId: string,
): Promise<boolean> {
	try {
		return (
			(await ctx.checkpointer.getTuple({ threadId, checkpointId })) !==
			undefined
		);
	} catch (error) {
		if (corruptCheckpointOf(error)?.checkpointId === checkpointId) return true;
		throw error;
	}
}
