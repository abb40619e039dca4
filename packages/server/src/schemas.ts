import { z } from "zod";

const Metadata = z.record(z.string(), z.unknown());
const StreamModeName = z.enum([
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

/** `POST /assistants/search`. */
export const AssistantSearch = z.object({
	graph_id: z.string().optional(),
	name: z.string().optional(),
	metadata: Metadata.optional(),
	limit: z.number().int().min(1).max(1000).default(10),
	offset: z.number().int().min(0).default(0),
});

/** `POST /threads`. */
export const ThreadCreate = z.object({
	thread_id: z.string().optional(),
	metadata: Metadata.optional(),
	if_exists: z.enum(["raise", "do_nothing"]).optional(),
});

/** `PATCH /threads/:thread_id`. */
export const ThreadPatch = z.object({ metadata: Metadata.optional() });

/** `POST /threads/search`. */
export const ThreadSearch = z.object({
	metadata: Metadata.optional(),
	ids: z.array(z.string()).optional(),
	status: z.enum(["idle", "busy", "interrupted", "error"]).optional(),
	limit: z.number().int().min(1).max(1000).default(10),
	offset: z.number().int().min(0).default(0),
});

/** `POST /threads/:thread_id/state`: a new checkpoint (a fork when `checkpoint_id` is an old one). */
export const StateUpdate = z.object({
	values: z.record(z.string(), z.unknown()).nullish(),
	as_node: z.string().optional(),
	checkpoint_id: z.string().optional(),
	checkpoint: z
		.object({ checkpoint_id: z.string().optional() })
		.loose()
		.optional(),
});

/** `POST /threads/:thread_id/history`. */
export const HistoryQuery = z.object({
	limit: z.number().int().min(1).max(1000).default(10),
	before: z
		.union([
			z.string(),
			z
				.object({
					configurable: z.object({ checkpoint_id: z.string() }).loose(),
				})
				.loose(),
		])
		.optional(),
	metadata: Metadata.optional(),
	checkpoint: z
		.object({ checkpoint_id: z.string().optional() })
		.loose()
		.optional(),
});

/** `POST /threads/:thread_id/runs` (and `/wait`, `/stream`). */
export const RunCreate = z.object({
	assistant_id: z.string(),
	input: z.record(z.string(), z.unknown()).nullish(),
	command: z
		.object({
			resume: z.unknown().optional(),
			update: z.record(z.string(), z.unknown()).optional(),
		})
		.nullish(),
	config: z
		.object({ recursion_limit: z.number().int().positive().optional() })
		.loose()
		.optional(),
	context: z.record(z.string(), z.unknown()).optional(),
	metadata: Metadata.optional(),
	stream_mode: z.union([StreamModeName, z.array(StreamModeName)]).optional(),
	stream_resumable: z.boolean().optional(),
	interrupt_before: z.union([z.literal("*"), z.array(z.string())]).optional(),
	interrupt_after: z.union([z.literal("*"), z.array(z.string())]).optional(),
	checkpoint_id: z.string().optional(),
	checkpoint: z
		.object({ checkpoint_id: z.string().optional() })
		.loose()
		.optional(),
	multitask_strategy: z
		.enum(["reject", "enqueue", "interrupt", "rollback"])
		.optional(),
	on_disconnect: z.enum(["cancel", "continue"]).optional(),
	if_not_exists: z.enum(["create", "reject"]).optional(),
});
export type RunCreateBody = z.infer<typeof RunCreate>;
export type StreamModeName = z.infer<typeof StreamModeName>;

/** Every request body schema, by name: the source of `/openapi.json`. */
export const BODY_SCHEMAS = {
	AssistantSearch,
	ThreadCreate,
	ThreadPatch,
	ThreadSearch,
	StateUpdate,
	HistoryQuery,
	RunCreate,
} as const;
