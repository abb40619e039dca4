import {
	type Checkpointer,
	type CheckpointSummary,
	parentCycle,
} from "@weft/checkpoint";
import { noThread, UsageError } from "./cli-error.ts";
import { type DamagedCheckpoint, readableSummaries } from "./readable-list.ts";

/**
 * A thread's checkpoints with their branches, found by walking parent ids: a head is a checkpoint
 * without a successor; branch 1 ends at the newest head, branch 2 at the next, and so on. A checkpoint
 * lies on every branch whose chain reaches it (the part before a fork is shared).
 */
export interface ThreadTree {
	/** Newest first (store order). */
	all: CheckpointSummary[];
	/** Head ids, newest first: heads[0] ends branch 1. */
	heads: string[];
	/** Checkpoint id → the branches (1-based) it lies on. */
	branchesOf: Map<string, number[]>;
	/** Branch number → its checkpoints, oldest first. */
	chains: CheckpointSummary[][];
	/**
	 * Checkpoints whose row could not be read (`CORRUPT_CHECKPOINT`), newest first: listed past, so the
	 * ones before them are in `all` and a run can go on from one of those; they are in no branch.
	 */
	damaged: DamagedCheckpoint[];
	/**
	 * Of `heads`, the ones that only look like heads: their successor is a damaged checkpoint (the store's
	 * heads do not include them). Empty unless `damaged` is not.
	 */
	beforeDamaged: Set<string>;
}

export async function readTree(
	checkpointer: Checkpointer,
	threadId: string,
): Promise<ThreadTree> {
	const all: CheckpointSummary[] = [];
	const damaged: DamagedCheckpoint[] = [];
	for await (const s of readableSummaries(checkpointer, threadId, (d) =>
		damaged.push(d),
	))
		all.push(s);
	if (all.length === 0 && damaged.length === 0) throw noThread(threadId);
	const tree = treeOf(all);
	const beforeDamaged = new Set<string>();
	if (damaged.length > 0) {
		// the thread's record names its real heads (ids only: it reads no metadata)
		const real = new Set((await checkpointer.getThread(threadId))?.heads);
		for (const head of tree.heads) if (!real.has(head)) beforeDamaged.add(head);
	}
	return { ...tree, damaged, beforeDamaged };
}

/** Builds the tree from a thread's summaries (newest first). */
export function treeOf(
	all: CheckpointSummary[],
): Omit<ThreadTree, "damaged" | "beforeDamaged"> {
	const byId = new Map(all.map((s) => [s.checkpointId, s]));
	const parents = new Set(
		all.map((s) => s.parentId).filter((p): p is string => p !== null),
	);
	const heads = all
		.filter((s) => !parents.has(s.checkpointId))
		.map((s) => s.checkpointId);
	const branchesOf = new Map<string, number[]>();
	const chains: CheckpointSummary[][] = [];
	heads.forEach((head, i) => {
		const chain: CheckpointSummary[] = [];
		for (const s of ancestry(byId, head)) {
			chain.unshift(s);
			branchesOf.set(s.checkpointId, [
				...(branchesOf.get(s.checkpointId) ?? []),
				i + 1,
			]);
		}
		chains.push(chain);
	});
	return { all, heads, branchesOf, chains };
}

/**
 * The summary `id` in `byId`, then its parent, and so on while they are there, newest first.
 * `CORRUPT_CHECKPOINT` when one comes again: damaged parent ids that form a cycle are named, not walked
 * for ever.
 */
export function* ancestry(
	byId: ReadonlyMap<string, CheckpointSummary>,
	id: string,
): Generator<CheckpointSummary> {
	const seen = new Set<string>();
	for (
		let s = byId.get(id);
		s !== undefined;
		s = s.parentId === null ? undefined : byId.get(s.parentId)
	) {
		if (seen.has(s.checkpointId)) throw parentCycle(s);
		seen.add(s.checkpointId);
		yield s;
	}
}

/** The checkpoints of branch `branch` (1-based), oldest first, or a UsageError naming how many there are. */
export function branchChain(
	tree: ThreadTree,
	threadId: string,
	branch: number,
): CheckpointSummary[] {
	const chain = tree.chains[branch - 1];
	if (chain === undefined)
		throw new UsageError(
			`thread "${threadId}" has ${tree.chains.length} branch${tree.chains.length === 1 ? "" : "es"}, not ${branch}`,
			`see the branches with \`weft history ${threadId}\``,
		);
	return chain;
}
