import { MAX_WRITE_DEPTH, plainJsonProblem } from "@weft/checkpoint";
import { z } from "zod";
import { MAX_AFTER_SECONDS } from "./run-delay.ts";

/**
 * Metadata of a thread or a run: an object that every store keeps as it is, checked when it is sent. A run
 * refuses metadata holding a NUL or a lone surrogate (Postgres' jsonb cannot keep them) or nested deeper
 * than a checkpoint may be (decision 0201): a thread created with such metadata admitted runs that failed.
 */
const Metadata = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
	const bad = plainJsonProblem(value, "metadata");
	if (bad !== undefined)
		ctx.addIssue({
			code: "custom",
			message: `${bad}: metadata must be text without NUL characters or lone surrogates, nested at most ${MAX_WRITE_DEPTH} levels`,
		});
});

export const StreamModeName = z.enum([
	"values",
	"updates",
	"custom",
	"messages-tuple",
	"messages",
	"events",
	"debug",
	"tasks",
	"checkpoints",
]);

/**
 * `stream_mode`: a mode or a list of them. One Weft does not know is refused naming it and the modes it
 * does (a union's own message would say only "Invalid input").
 */
const StreamModes = z.union([StreamModeName, z.array(StreamModeName)], {
	error: (issue) => {
		const given = Array.isArray(issue.input) ? issue.input : [issue.input];
		const unknown = given.filter((m) => !StreamModeName.safeParse(m).success);
		return `unknown stream mode ${unknown.map((m) => JSON.stringify(m)).join(", ")}: pass one of ${StreamModeName.options.map((m) => JSON.stringify(m)).join(", ")}, or a list of them`;
	},
});

const SortOrder = z.enum(["asc", "desc"]);

/** `POST /assistants/count`. */
export const AssistantCount = z.object({
	graph_id: z.string().optional(),
	name: z.string().optional(),
	metadata: Metadata.optional(),
});

/** `POST /assistants/search`. */
export const AssistantSearch = AssistantCount.extend({
	limit: z.number().int().min(1).max(1000).default(10),
	offset: z.number().int().min(0).default(0),
	sort_by: z
		.enum(["assistant_id", "graph_id", "name", "created_at", "updated_at"])
		.optional(),
	sort_order: SortOrder.optional(),
	select: z
		.array(
			z.enum([
				"assistant_id",
				"graph_id",
				"name",
				"description",
				"config",
				"context",
				"created_at",
				"updated_at",
				"metadata",
				"version",
			]),
		)
		.optional(),
});

/**
 * A thread's time to live (LangGraph's `ThreadTTLConfig`; the SDK sends a number as this object): the
 * thread is deleted `ttl` minutes after its last update (decision 0090). `null` is no ttl: on a patch, it
 * removes the thread's (decision 0099).
 */
const ThreadTtl = z.object({
	ttl: z
		.number()
		.positive(
			"ttl is minutes after the thread's last update: give a number above 0",
		),
	strategy: z
		.literal("delete", 'the only ttl strategy is "delete"')
		.default("delete"),
});

/** `POST /threads`. */
export const ThreadCreate = z.object({
	thread_id: z.string().optional(),
	metadata: Metadata.optional(),
	if_exists: z.enum(["raise", "do_nothing"]).optional(),
	ttl: ThreadTtl.nullish(),
	/** State updates applied to the new thread, one superstep after another (`thread-supersteps.ts`). */
	supersteps: z
		.array(
			z.object({
				updates: z.array(
					z.object({
						values: z.unknown().optional(),
						command: z.unknown().optional(),
						as_node: z.string().optional(),
					}),
				),
			}),
		)
		.optional(),
});

/** `PATCH /threads/:thread_id`. */
export const ThreadPatch = z.object({
	metadata: Metadata.optional(),
	ttl: ThreadTtl.nullish(),
});

/** `POST /threads/count`: the filters of `threads.search`. */
export const ThreadCount = z.object({
	metadata: Metadata.optional(),
	values: Metadata.optional(),
	ids: z.array(z.string()).optional(),
	status: z.enum(["idle", "busy", "interrupted", "error"]).optional(),
});

/** `POST /threads/search`. */
export const ThreadSearch = ThreadCount.extend({
	limit: z.number().int().min(1).max(1000).default(10),
	offset: z.number().int().min(0).default(0),
	sort_by: z
		.enum([
			"thread_id",
			"status",
			"created_at",
			"updated_at",
			"state_updated_at",
		])
		.optional(),
	sort_order: SortOrder.optional(),
	select: z
		.array(
			z.enum([
				"thread_id",
				"created_at",
				"updated_at",
				"state_updated_at",
				"metadata",
				"config",
				"context",
				"status",
				"values",
				"interrupts",
			]),
		)
		.optional(),
});

/**
 * A checkpoint named in a body (`checkpoint: { checkpoint_id, checkpoint_ns }`, the SDK's `Checkpoint`): of
 * the root graph. A subgraph's namespace is refused rather than read or written as the root's.
 */
const CheckpointRef = z
	.object({
		checkpoint_id: z.string().optional(),
		checkpoint_ns: z
			.literal("", {
				error:
					"a subgraph's checkpoints (checkpoint_ns) are not read or written over HTTP: leave checkpoint_ns out, or pass \"\" for the root graph's; read a subgraph's checkpoints in the studio, or with the checkpointer (list or getTuple under its namespace)",
			})
			.optional(),
	})
	.loose();

/** `PATCH /threads/:thread_id/state`: metadata for a checkpoint (refused: checkpoints are immutable). */
export const StatePatch = z.object({
	metadata: Metadata,
	checkpoint_id: z.string().optional(),
	checkpoint: CheckpointRef.optional(),
});

/** `POST /threads/:thread_id/state`: a new checkpoint (a fork when `checkpoint_id` is an old one). */
export const StateUpdate = z.object({
	values: z.record(z.string(), z.unknown()).nullish(),
	as_node: z.string().optional(),
	checkpoint_id: z.string().optional(),
	checkpoint: CheckpointRef.optional(),
});

/** `POST /threads/:thread_id/history`. */
export const HistoryQuery = z.object({
	limit: z.number().int().min(1).max(1000).default(10),
	// a checkpoint id, a config naming one (the SDK's type), or a state's `checkpoint` (what history answers)
	before: z
		.union(
			[
				z.string(),
				z
					.object({
						configurable: z.object({ checkpoint_id: z.string() }).loose(),
					})
					.loose()
					.transform((c) => c.configurable.checkpoint_id),
				z
					.object({ checkpoint_id: z.string() })
					.loose()
					.transform((c) => c.checkpoint_id),
			],
			{
				error:
					'pass a checkpoint id: "…", { configurable: { checkpoint_id: "…" } }, or a state\'s checkpoint ({ checkpoint_id: "…" })',
			},
		)
		.optional(),
	metadata: Metadata.optional(),
	checkpoint: CheckpointRef.optional(),
});

/** `POST /threads/:thread_id/runs` (and `/wait`, `/stream`). */
export const RunCreate = z.object({
	assistant_id: z.string(),
	input: z.record(z.string(), z.unknown()).nullish(),
	command: z
		.object({
			resume: z.unknown().optional(),
			// the SDK's `Command.update` is an object or `[key, value]` pairs
			update: z
				.union([
					z.record(z.string(), z.unknown()),
					z.array(z.tuple([z.string(), z.unknown()])),
				])
				.transform((u) => (Array.isArray(u) ? Object.fromEntries(u) : u))
				.optional(),
			// kept to be refused by name (CONFIG_INVALID, decision 0050), not dropped silently
			goto: z.unknown().optional(),
		})
		.nullish(),
	config: z
		.object({
			recursion_limit: z.number().int().positive().optional(),
			// LangGraph's way to name the checkpoint to run from: read as `checkpoint_id` (`runCheckpointId`)
			configurable: z
				.object({ checkpoint_id: z.string().optional() })
				.loose()
				.optional(),
		})
		.loose()
		.optional(),
	context: z.record(z.string(), z.unknown()).optional(),
	metadata: Metadata.optional(),
	stream_mode: StreamModes.optional(),
	stream_resumable: z.boolean().optional(),
	stream_subgraphs: z.boolean().optional(),
	interrupt_before: z.union([z.literal("*"), z.array(z.string())]).optional(),
	interrupt_after: z.union([z.literal("*"), z.array(z.string())]).optional(),
	checkpoint_id: z.string().optional(),
	checkpoint: CheckpointRef.optional(),
	multitask_strategy: z
		.enum(["reject", "enqueue", "interrupt", "rollback"])
		.optional(),
	on_disconnect: z.enum(["cancel", "continue"]).optional(),
	on_completion: z.enum(["delete", "keep"]).optional(),
	// LangGraph's persistence modes: checked, then nothing to do, as Weft commits every step whichever is
	// asked (each is at most that durable; decision 0253)
	durability: z.enum(["sync", "async", "exit"]).optional(),
	checkpoint_during: z.boolean().optional(),
	if_not_exists: z.enum(["create", "reject"]).optional(),
	// POSTed the run, its values and its error once it ended (decision 0224)
	webhook: z
		.url({
			protocol: /^https?$/,
			error: "pass an http:// or https:// URL to POST the run to when it ends",
		})
		.optional(),
	/**
	 * Seconds after its creation before the run may start (0: now). It is recorded `pending` at once, its
	 * `created_at` the time it may start (decision 0216).
	 */
	after_seconds: z
		.number({
			error: (issue) =>
				`after_seconds is ${issue.input === null ? "null (JSON sends NaN and Infinity as null)" : JSON.stringify(issue.input)}: give a number of seconds from 0 (start now) to ${MAX_AFTER_SECONDS} (365 days), or leave it out`,
		})
		.min(0, {
			error: (issue) =>
				`after_seconds is ${String(issue.input)}: a run cannot start before it is created; give 0 (start now) or more seconds`,
		})
		.max(MAX_AFTER_SECONDS, {
			error: (issue) =>
				`after_seconds is ${String(issue.input)}: at most ${MAX_AFTER_SECONDS} seconds (365 days) ahead; schedule a later run nearer its time`,
		})
		.optional(),
});
export type RunCreateBody = z.infer<typeof RunCreate>;

/**
 * The checkpoint a run goes on from, as asked: `checkpoint_id`, else `checkpoint.checkpoint_id`, else
 * `config.configurable.checkpoint_id` (how LangGraph's own config names it); undefined for the newest.
 */
export const runCheckpointId = (
	b: Pick<RunCreateBody, "checkpoint_id" | "checkpoint" | "config">,
): string | undefined =>
	b.checkpoint_id ??
	b.checkpoint?.checkpoint_id ??
	b.config?.configurable?.checkpoint_id;
export type StreamModeName = z.infer<typeof StreamModeName>;

const Label = z
	.string()
	.min(1)
	.refine((l) => !l.includes("."), {
		message: 'namespace labels cannot contain "."',
	});
const NamespaceLabels = z.array(Label);

/** `PUT /store/items`: `ttl` in minutes, as LangGraph counts it. */
export const StorePut = z.object({
	namespace: NamespaceLabels.min(1),
	key: z.string().min(1),
	// the object as sent (a record schema would drop a field named "__proto__": stored changed); the
	// store checks it is plain JSON
	value: z
		.unknown()
		.refine((v) => typeof v === "object" && v !== null && !Array.isArray(v), {
			error: "value must be a JSON object",
		})
		.meta({ type: "object" }) as z.ZodType<Record<string, unknown>>,
	index: z.union([z.literal(false), z.array(z.string())]).nullish(),
	ttl: z.number().positive().nullish(),
});

/** `DELETE /store/items`. */
export const StoreDelete = z.object({
	namespace: NamespaceLabels,
	key: z.string().min(1),
});

/** `POST /store/items/search`. */
export const StoreSearch = z.object({
	namespace_prefix: NamespaceLabels.default([]),
	// checked by the store (its fields, values and operators: 422 VALIDATION_FAILED naming them); taken
	// as sent, as a record would drop a field named "__proto__"
	filter: z.unknown().optional(),
	limit: z.number().int().min(1).max(1000).default(10),
	offset: z.number().int().min(0).default(0),
	query: z.string().nullish(),
	refresh_ttl: z.boolean().nullish(),
});

/** `POST /store/namespaces`. */
export const StoreNamespaces = z.object({
	prefix: NamespaceLabels.nullish(),
	suffix: NamespaceLabels.nullish(),
	max_depth: z.number().int().min(1).nullish(),
	limit: z.number().int().min(1).max(1000).default(100),
	offset: z.number().int().min(0).default(0),
});

/** `POST /threads/:thread_id/feedback`: a score, a label or a comment, on the thread or one checkpoint. */
export const FeedbackCreate = z
	.object({
		score: z.number().finite().optional(),
		label: z.string().min(1).max(200).optional(),
		comment: z.string().max(10_000).optional(),
		checkpoint_id: z.string().min(1).optional(),
		/** Who gave it; with auth on, always the caller's identity. */
		by: z.string().min(1).max(200).optional(),
	})
	.refine(
		(f) =>
			f.score !== undefined || f.label !== undefined || f.comment !== undefined,
		{ message: "give a score, a label or a comment" },
	);

/** Every request body schema, by name: the source of `/openapi.json`. */
export const BODY_SCHEMAS = {
	AssistantSearch,
	AssistantCount,
	ThreadCreate,
	ThreadPatch,
	ThreadSearch,
	ThreadCount,
	StatePatch,
	StateUpdate,
	HistoryQuery,
	RunCreate,
	StorePut,
	StoreDelete,
	StoreSearch,
	StoreNamespaces,
	FeedbackCreate,
} as const;
