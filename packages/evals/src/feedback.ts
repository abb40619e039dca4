import { randomUUID } from "node:crypto";
import {
	type Checkpointer,
	keysOf,
	refuseUnknownKeys,
	unknownKey,
	WeftError,
} from "@weft/checkpoint";
import { z } from "zod";
import type {
	EvalStore,
	Feedback,
	FeedbackFields,
	FeedbackFilter,
} from "./store/eval-store.ts";

/** Feedback to record: at least one of score, label and comment. */
export type FeedbackInput = FeedbackFields;

/** What feedback holds: a misspelt field (`lable`) would be saved as feedback without it. */
const FIELD_KEYS = keysOf<FeedbackFields>({
	threadId: true,
	checkpointId: true,
	score: true,
	label: true,
	comment: true,
	by: true,
});

const FILTER_KEYS = keysOf<FeedbackFilter>({
	threadId: true,
	checkpointId: true,
	by: true,
	label: true,
	limit: true,
});

const INPUT_HINT =
	"feedback is { threadId, checkpointId?, score?: number, label?, comment?, by? } with a score, label or comment";

/** A label or an author: blank, it would group feedback under nothing and name nobody. */
const named = z
	.string()
	.min(1)
	.max(200)
	.refine((v) => v.trim() !== "", "must hold more than white space");

const inputSchema = z
	.object({
		threadId: z.string().min(1),
		checkpointId: z.string().min(1).optional(),
		score: z.number().finite().optional(),
		label: named.optional(),
		comment: z.string().max(10_000).optional(),
		by: named.optional(),
	})
	.refine(
		(f) =>
			f.score !== undefined ||
			f.label !== undefined ||
			(f.comment !== undefined && f.comment.trim() !== ""),
		{
			// an empty comment says nothing: alone, it is no feedback
			message: "give a score, a label or a comment",
		},
	);

/**
 * Records feedback on a run (a thread) or one of its checkpoints. With `checkpointer`, the thread
 * (and checkpoint) must exist there.
 * @example await recordFeedback(store, { threadId: "t1", score: 1, label: "helpful", by: "ana" });
 */
export async function recordFeedback(
	store: EvalStore,
	input: FeedbackInput,
	options: {
		checkpointer?: Checkpointer | undefined;
		now?: Date | undefined;
	} = {},
): Promise<Feedback> {
	const stray =
		typeof input === "object" && input !== null
			? unknownKey(input, FIELD_KEYS)
			: undefined;
	if (stray !== undefined)
		throw new WeftError(
			"VALIDATION_FAILED",
			`feedback has no field ${JSON.stringify(stray.key)}`,
			{ hint: `${stray.hint.replace("options", "fields")}; ${INPUT_HINT}` },
		);
	const parsed = inputSchema.safeParse(input);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		const at = issue.path.length === 0 ? "" : ` (${issue.path.join(".")})`;
		throw new WeftError(
			"VALIDATION_FAILED",
			`feedback: ${issue.message}${at}`,
			{ hint: INPUT_HINT },
		);
	}
	const f = parsed.data;
	if (options.checkpointer !== undefined)
		await checkTarget(options.checkpointer, f.threadId, f.checkpointId);
	const feedback: Feedback = {
		id: randomUUID(),
		...f,
		createdAt: (options.now ?? new Date()).toISOString(),
	};
	await store.addFeedback(feedback);
	return feedback;
}

async function checkTarget(
	cp: Checkpointer,
	threadId: string,
	checkpointId: string | undefined,
) {
	// the whole id: a part of one would be stored as the checkpoint feedback is about (and group apart)
	for await (const s of cp.list({ threadId }))
		if (checkpointId === undefined || s.checkpointId === checkpointId) return;
	throw new WeftError(
		"CHECKPOINT_NOT_FOUND",
		checkpointId === undefined
			? `no thread "${threadId}" to give feedback on`
			: `thread "${threadId}" has no checkpoint "${checkpointId}"`,
		{
			hint: "give the checkpoint's whole id (getStateHistory, weft history <thread> --json); check the thread with weft threads",
		},
	);
}

/** Lists feedback, oldest first. A filter key it does not know (`thread`) is CONFIG_INVALID, not ignored. */
export async function listFeedback(
	store: EvalStore,
	filter: FeedbackFilter = {},
): Promise<Feedback[]> {
	refuseUnknownKeys(filter, FILTER_KEYS, "listFeedback's filter");
	return store.listFeedback(filter);
}

/** Feedback totals of one group. */
export interface FeedbackAggregate {
	key: string;
	count: number;
	/** Mean of the scores given (undefined when none has a score). */
	meanScore: number | undefined;
	scored: number;
	labels: Record<string, number>;
}

/** A built-in grouping, or a function giving a feedback's group(s): none leaves it out, several count it in each. */
export type FeedbackGrouping =
	| "thread"
	| "checkpoint"
	| "label"
	| "by"
	| "all"
	| ((f: Feedback) => string | readonly string[] | undefined);

/**
 * Groups feedback by thread, checkpoint, label, author or a key function (e.g. the graph or node a
 * thread or checkpoint belongs to, as `weft stats` does), with counts, mean score and label counts.
 */
export function aggregateFeedback(
	feedback: readonly Feedback[],
	by: FeedbackGrouping = "all",
): FeedbackAggregate[] {
	if (typeof by !== "function" && !GROUPINGS.includes(by))
		throw new WeftError(
			"CONFIG_INVALID",
			`aggregateFeedback cannot group by ${JSON.stringify(by) ?? String(by)}`,
			{
				hint: `group by one of ${GROUPINGS.map((g) => `"${g}"`).join(", ")}, or by a function of the feedback returning its group(s)`,
			},
		);
	const keyOf = typeof by === "function" ? by : builtIn(by);
	const groups = new Map<
		string,
		{
			count: number;
			sum: number;
			scored: number;
			labels: Record<string, number>;
		}
	>();
	for (const f of feedback) {
		const keys = keyOf(f);
		for (const key of typeof keys === "string" ? [keys] : (keys ?? [])) {
			// labels are any text: "constructor" or "__proto__" must count as any other
			const g = groups.get(key) ?? {
				count: 0,
				sum: 0,
				scored: 0,
				labels: Object.create(null) as Record<string, number>,
			};
			g.count += 1;
			if (f.score !== undefined) {
				g.sum += f.score;
				g.scored += 1;
			}
			if (f.label !== undefined)
				g.labels[f.label] = (g.labels[f.label] ?? 0) + 1;
			groups.set(key, g);
		}
	}
	return [...groups].map(([key, g]) => ({
		key,
		count: g.count,
		meanScore: g.scored === 0 ? undefined : g.sum / g.scored,
		scored: g.scored,
		labels: g.labels,
	}));
}

const GROUPINGS: readonly unknown[] = [
	"thread",
	"checkpoint",
	"label",
	"by",
	"all",
];

function builtIn(
	by: Exclude<FeedbackGrouping, (f: Feedback) => unknown>,
): (f: Feedback) => string {
	switch (by) {
		case "thread":
			return (f) => f.threadId;
		case "checkpoint":
			return (f) => f.checkpointId ?? `${f.threadId} (run)`;
		case "label":
			return (f) => f.label ?? "(no label)";
		case "by":
			return (f) => f.by ?? "(anonymous)";
		case "all":
			return () => "all";
	}
}
