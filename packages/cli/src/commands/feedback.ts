import { isWeftError } from "@weft/checkpoint";
import type { Command as Program } from "commander";
import { noThread, UsageError } from "../cli-error.ts";
import type { Act } from "../command-kit.ts";
import { WEFT } from "../invocation.ts";
import { table, text, words } from "../render/table.ts";
import { resolveCheckpoint } from "../resolve-checkpoint.ts";
import type { StoreOptions } from "../store.ts";
import { openEvalStore } from "./eval.ts";

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

interface FeedbackOptions {
	score?: string;
	label?: string;
	comment?: string;
	by?: string;
	checkpoint?: string;
	groupBy?: string;
}

const GROUPS = ["thread", "checkpoint", "label", "by", "all"] as const;

/** What an empty `feedback list` or `feedback stats` says (as `weft threads` does with no threads). */
const noFeedback = (thread: string | undefined, storeFlags: string) =>
	thread === undefined
		? `no feedback yet: give some with \`${WEFT}${storeFlags} feedback <thread> --score 1\``
		: `no feedback on thread "${thread}" yet`;

/** Registers `weft feedback <thread> …`, `weft feedback list [thread]` and `weft feedback stats`. */
export function registerFeedback(program: Program, act: Act): void {
	const storeOptions = () => program.opts<StoreOptions>();
	program
		.command("feedback <thread|list|stats> [thread]")
		.addHelpText(
			"after",
			"\nExamples:\n  $ weft feedback mail-1 --score 1 --label good --by ada\n  $ weft feedback list mail-1\n  $ weft feedback stats --group-by label\n",
		)
		.description(
			"record feedback on a run or a checkpoint (score, label, comment, by); `feedback list [thread]`; `feedback stats --group-by label`",
		)
		.option("--score <n>", "a number on your scale")
		.option("--label <label>", "a label (e.g. helpful, wrong)")
		.option("--comment <text>", "free text")
		.option("--by <who>", "who gives it")
		.option(
			"--checkpoint <id|step>",
			"a checkpoint of the thread, by id, the short id or step `weft history` shows (default: the run as a whole)",
		)
		.option(
			"--group-by <key>",
			`stats by ${GROUPS.join(", ")} (default thread)`,
		)
		.action(
			act(
				async (
					env,
					target: string,
					thread: string | undefined,
					o: FeedbackOptions,
				) => {
					const { aggregateFeedback, listFeedback, recordFeedback } =
						await import("@weft/evals");
					const reading = target === "list" || target === "stats";
					const store = await openEvalStore(
						env,
						storeOptions(),
						reading ? "read" : "write",
					);
					try {
						if (reading) {
							const list = await listFeedback(
								store,
								thread === undefined ? {} : { threadId: thread },
							);
							const by = (o.groupBy ?? "thread") as (typeof GROUPS)[number];
							if (!GROUPS.includes(by))
								throw new UsageError(
									`--group-by ${o.groupBy}`,
									`use one of ${GROUPS.join(", ")}`,
								);
							if (list.length === 0 && !env.out.json) {
								env.out.line(noFeedback(thread, env.storeFlags));
								return 0;
							}
							if (target === "list") {
								env.out.result(list, () =>
									table(
										[
											"thread",
											"checkpoint",
											"score",
											"label",
											text("comment"),
											"by",
											"time",
										],
										list.map((f) => [
											f.threadId,
											f.checkpointId ?? "-",
											f.score ?? "-",
											f.label ?? "-",
											f.comment ?? "",
											f.by ?? "-",
											f.createdAt,
										]),
									),
								);
								return 0;
							}
							const stats = aggregateFeedback(list, by);
							env.out.result(stats, () =>
								table(
									[by, "count", "mean score", words("labels")],
									stats.map((g) => [
										g.key,
										g.count,
										g.meanScore === undefined
											? "-"
											: Number(g.meanScore.toFixed(3)),
										Object.entries(g.labels)
											.map(([k, v]) => `${k} ${v}`)
											.join(", "),
									]),
								),
							);
							return 0;
						}
						if (thread !== undefined)
							throw new UsageError(`unexpected argument: ${thread}`);
						// a decimal number ("" and "0x1" are numbers to Number(): 0 and 1)
						const score =
							o.score === undefined || !DECIMAL.test(o.score.trim())
								? undefined
								: Number(o.score);
						if (
							o.score !== undefined &&
							(score === undefined || !Number.isFinite(score))
						)
							throw new UsageError(
								`--score ${o.score}: not a number`,
								"give a number on your scale, e.g. --score 1 or --score 0.5",
							);
						const checkpointer = await env.store();
						// a short id or a step, as `weft history` shows them: the whole id is recorded
						let checkpointId: string | undefined;
						if (o.checkpoint !== undefined) {
							if ((await checkpointer.getThread(target)) === undefined)
								throw noThread(target);
							checkpointId = (
								await resolveCheckpoint(checkpointer, target, o.checkpoint)
							).checkpointId;
						}
						const f = await recordFeedback(
							store,
							{
								threadId: target,
								checkpointId,
								score,
								label: o.label,
								comment: o.comment,
								by: o.by,
							},
							{ checkpointer },
						).catch((error: unknown) => {
							// a thread that is not there is the command line's mistake, as everywhere else
							if (
								o.checkpoint === undefined &&
								isWeftError(error, "CHECKPOINT_NOT_FOUND")
							)
								throw noThread(target);
							throw error;
						});
						env.out.result(
							f,
							() =>
								`feedback ${f.id} recorded on ${f.checkpointId === undefined ? `thread ${f.threadId}` : `checkpoint ${f.checkpointId} of ${f.threadId}`}`,
						);
						return 0;
					} finally {
						await store.close?.();
					}
				},
			),
		);
}
