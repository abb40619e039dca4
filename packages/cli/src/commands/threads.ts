import {
	type Checkpointer,
	type CheckpointSummary,
	isUnreadableData,
	type ThreadInfo,
	type ThreadStatus,
} from "@weft/checkpoint";
import { Command } from "commander";
import { positiveInt, UsageError } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { exitedHolder, exitedText } from "../exited-holder.ts";
import { WEFT } from "../invocation.ts";
import { label } from "../render/output.ts";
import { table, words } from "../render/table.ts";

const STATUSES: readonly ThreadStatus[] = [
	"running",
	"interrupted",
	"done",
	"failed",
	"cancelled",
	"stale",
];

/** A thread as listed: the store's record, and what its newest checkpoint says is due next. */
export interface ThreadRow extends ThreadInfo {
	/** Nodes due at the newest checkpoint. */
	next: string[];
	/** The newest checkpoint is a fork (`weft fork`) that has not run yet: `weft continue` runs it. */
	forked: boolean;
	/** A failed thread: why, as the runtime recorded it at the newest checkpoint (the first task's). */
	error?: { node: string; code: string; message: string };
	/** Why the newest checkpoint could not be read (a damaged row): the thread is listed all the same. */
	unreadable?: string;
	/**
	 * A `running` thread whose lease holder is a process of this machine that has exited (killed): the
	 * store says `running` until the lease lapses, then `stale` (decision 0233).
	 */
	runnerGone?: { pid: number };
}

/** `weft threads`: status, steps, what is due, last update; reads no state (a failed thread's error). */
export async function threads(
	opts: { status?: string; limit?: string },
	env: CommandEnv,
): Promise<number> {
	// `forked` is the CLI's word for a fork not yet run (any stored status): filtered here, not by the store
	const forkedOnly = opts.status === "forked";
	if (
		opts.status !== undefined &&
		!forkedOnly &&
		!STATUSES.includes(opts.status as ThreadStatus)
	)
		throw new UsageError(
			`unknown status "${opts.status}"`,
			`use one of ${[...STATUSES, "forked"].join(", ")}`,
		);
	const limit = positiveInt(opts.limit, "--limit");
	const checkpointer = await env.store("read");
	const list = await checkpointer.listThreads({
		status: forkedOnly ? undefined : (opts.status as ThreadStatus | undefined),
		limit: forkedOnly ? undefined : limit,
	});
	const rows: ThreadRow[] = [];
	for (const t of list) {
		// one damaged thread never hides the others (nor itself: it is listed, and said unreadable)
		let newest: CheckpointSummary | undefined;
		let error: ThreadRow["error"];
		let unreadable: string | undefined;
		try {
			for await (const s of checkpointer.list(
				{ threadId: t.threadId },
				{ limit: 1 },
			))
				newest = s;
			if (t.status === "failed") error = await failure(checkpointer, t);
		} catch (e) {
			if (!isUnreadableData(e)) throw e;
			unreadable = e.message;
		}
		const next = newest?.metadata.next ?? [];
		const forked =
			newest !== undefined &&
			(newest.source === "update" || newest.source === "fork") &&
			next.length > 0 &&
			!(await ranAt(checkpointer, t.threadId, newest.checkpointId));
		if (forkedOnly && !forked) continue;
		const gone = t.status === "running" ? exitedHolder(t.lease) : undefined;
		rows.push({
			...t,
			next,
			forked,
			...(error === undefined ? {} : { error }),
			...(unreadable === undefined ? {} : { unreadable }),
			...(gone === undefined ? {} : { runnerGone: { pid: gone.pid } }),
		});
		if (forkedOnly && limit !== undefined && rows.length >= limit) break;
	}
	env.out.result(rows, () =>
		rows.length === 0
			? opts.status !== undefined
				? `no ${opts.status} threads`
				: `no threads yet: run a graph with \`${WEFT}${env.storeFlags} run <module>\``
			: [
					table(
						[
							"thread",
							"status",
							"step",
							words("next"),
							"checkpoints",
							"updated",
						],
						rows.map((t) => [
							t.threadId,
							t.forked
								? `${label.status("forked")} ${label.dim(`(was ${t.status})`)}`
								: t.runnerGone !== undefined
									? `${label.status(t.status)} ${label.dim("(runner gone)")}`
									: label.status(t.status),
							t.step,
							t.unreadable !== undefined
								? label.dim("?")
								: t.next.join(", ") || label.dim("(end)"),
							t.checkpoints,
							t.updatedAt.replace("T", " ").slice(0, 19),
						]),
					),
					...rows.flatMap((t) => noteOf(t, env.storeFlags)),
				].join("\n"),
	);
	return 0;
}

/** The line under the table for a thread that needs more than its row: why it failed, or what is amiss. */
function noteOf(t: ThreadRow, storeFlags: string): string[] {
	if (t.error !== undefined)
		return [
			`${t.threadId} ${label.status("failed")} at "${t.error.node}": ${t.error.code} ${t.error.message}`,
		];
	if (t.unreadable !== undefined)
		return [
			`${t.threadId} ${label.status(t.status)}, its newest checkpoint could not be read: ${t.unreadable}`,
		];
	if (t.runnerGone !== undefined && t.lease !== null)
		return [
			`${t.threadId} ${label.status(t.status)}, but ${exitedText({ pid: t.runnerGone.pid, until: t.lease.expiresAt }, t.threadId, storeFlags)}`,
		];
	return [];
}

/** Why a failed thread failed: the error recorded at its newest checkpoint, if one was. */
async function failure(
	checkpointer: Checkpointer,
	t: ThreadInfo,
): Promise<ThreadRow["error"]> {
	if (t.checkpointId === null) return undefined;
	const tuple = await checkpointer.getTuple({
		threadId: t.threadId,
		checkpointId: t.checkpointId,
	});
	const w = tuple?.pendingWrites.find((p) => p.kind === "error");
	return w?.kind === "error"
		? { node: w.node, code: w.code, message: w.message }
		: undefined;
}

export const threadsCommand = (act: Act) =>
	withExamples(
		new Command("threads")
			.description("list threads: status, step, what is due next, last update")
			.option(
				"--status <status>",
				`only threads with this status (${STATUSES.join(", ")}; forked: a fork not yet run)`,
			)
			.option("--limit <n>", "at most n threads")
			.action(
				act((env, o: { status?: string; limit?: string }) => threads(o, env)),
			),
		[
			"weft threads",
			"weft threads --status interrupted --limit 20",
			"weft threads --json",
		],
	);

/**
 * Whether a run went on from a fork's checkpoint already, without a step of its own: it paused there, its
 * question (or a failure) recorded on it. Such a thread is no longer "a fork not yet run". A fork copying
 * a question it was made with (`beforeUpdate`) has not run. Damaged data reads as not run.
 */
async function ranAt(
	checkpointer: Checkpointer,
	threadId: string,
	checkpointId: string,
): Promise<boolean> {
	try {
		const tuple = await checkpointer.getTuple({ threadId, checkpointId });
		return (
			tuple?.pendingWrites.some(
				(w) =>
					(w.kind === "interrupt" && w.beforeUpdate !== true) ||
					w.kind === "error" ||
					w.kind === "done",
			) ?? false
		);
	} catch (error) {
		if (isUnreadableData(error)) return false;
		throw error;
	}
}
