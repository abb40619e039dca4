import { z } from "zod";
import { RUN_STATUSES } from "./run-lifecycle.ts";
import { StreamModeName } from "./schemas.ts";

// The query parameters of each route that reads any, one zod object per route: `query(c, schema)` parses
// the request with it (a bad value is VALIDATION_FAILED, 422, naming the parameter and what to pass) and
// /openapi.json declares it (decision 0161). Each schema's error message says what to pass.

/**
 * A boolean: `true` or `false`, or `1` or `0` (the SDK sends `true`/`false` for a JavaScript boolean and
 * `1`/`0` for `wait` and `cancel_on_disconnect`). Anything else (`yes`, `True`, an empty value) is refused.
 */
const QueryBool = z
	.enum(["true", "false", "1", "0"], { error: "pass true or false" })
	.transform((v) => v === "true" || v === "1");

/** A whole number in decimal digits (no sign, exponent or fraction), from `min` to `max`. */
function queryInt(min: number, max = Number.MAX_SAFE_INTEGER) {
	const error =
		max === Number.MAX_SAFE_INTEGER
			? `pass a whole number of at least ${min}`
			: `pass a whole number from ${min} to ${max}`;
	const int = z.int({ error }).min(min, { error }).max(max, { error });
	const digits = (v: unknown) =>
		typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
	return {
		optional: () => z.preprocess(digits, int).optional(),
		/** With a default (inside the preprocess, so /openapi.json shows it). */
		default: (value: number) => z.preprocess(digits, int.default(value)),
	};
}

/** One of `values`, with an error that lists them. */
function queryEnum<const TValues extends readonly [string, ...string[]]>(
	values: TValues,
) {
	return z.enum(values, { error: `pass one of ${values.join(", ")}` });
}

/** `GET /ok`: `check_db=1` asks the database too (readiness), as LangGraph's server reads it. */
export const OkQuery = z.object({
	check_db: QueryBool.optional().meta({
		description:
			"true (or 1): read the database too; 503 STORE_UNAVAILABLE while it does not answer",
	}),
});

/** `GET /assistants/:id/graph`: `xray` is a boolean or, as the SDK allows, a depth (0 draws none). */
export const GraphQuery = z.object({
	xray: z
		.preprocess(
			(v) =>
				v === "true" || v === "1"
					? true
					: v === "false" || v === "0"
						? false
						: typeof v === "string" && /^\d+$/.test(v)
							? Number(v)
							: v,
			z.union([z.boolean(), z.int().min(0)], {
				error: "pass true, false or a depth (a whole number)",
			}),
		)
		.optional()
		.meta({
			description:
				"true, or a depth of 1 or more: draw subgraphs' nodes too; false or 0: not",
		}),
});

/** `GET /assistants/:id/subgraphs` and `/subgraphs/:namespace`: `recurse` (one level is listed either way). */
export const SubgraphsQuery = z.object({
	recurse: QueryBool.optional().meta({
		description: "accepted; one level of subgraphs is listed either way",
	}),
});

/** `GET /threads/:id/state` and `/state/:checkpoint_id`: `subgraphs` (tasks' `state` stays null either way). */
export const StateQuery = z.object({
	subgraphs: QueryBool.optional().meta({
		description: "accepted; a task's subgraph state is null either way",
	}),
});

/**
 * `GET /threads/:id/history`, the query form LangGraph's API has beside the POST the SDK sends: `limit`
 * (default 10, as the POST's) and `before` (a checkpoint id). A metadata filter needs the POST.
 */
export const HistoryGetQuery = z.object({
	limit: queryInt(1, 1000)
		.default(10)
		.meta({ description: "how many checkpoints, newest first" }),
	before: z
		.string({ error: "pass a checkpoint id" })
		.min(1, { error: "pass a checkpoint id" })
		.optional()
		.meta({ description: "list the checkpoints older than this one" }),
});

const RUN_FIELDS = [
	"run_id",
	"thread_id",
	"assistant_id",
	"created_at",
	"updated_at",
	"status",
	"metadata",
	"kwargs",
	"multitask_strategy",
] as const;

const SELECT_ERROR = `pass a JSON array or a comma-separated list of ${RUN_FIELDS.join(", ")}`;

/** `GET /threads/:id/runs`. */
export const RunList = z.object({
	limit: queryInt(1, 1000).default(10),
	offset: queryInt(0).default(0),
	status: queryEnum(RUN_STATUSES as [string, ...string[]]).optional(),
	/** The fields to keep: the SDK sends a JSON array (`["run_id","status"]`); a comma list is read too. */
	select: z
		.preprocess(
			(v) =>
				typeof v !== "string"
					? v
					: v.trim().startsWith("[")
						? parseJsonOr(v)
						: v.split(",").map((f) => f.trim()),
			z.array(z.enum(RUN_FIELDS, { error: SELECT_ERROR }), {
				error: SELECT_ERROR,
			}),
		)
		.optional(),
});

/** `text` parsed as JSON, or `text` itself when it is not JSON (for the schema to refuse). */
function parseJsonOr(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** `POST /threads/:id/runs/:run_id/cancel` (the SDK sends `wait=0|1` and `action`). */
export const RunCancelQuery = z.object({
	wait: QueryBool.optional().meta({
		description: "true (or 1): answer once the run has stopped",
	}),
	action: queryEnum(["interrupt", "rollback"]).default("interrupt"),
});

/**
 * A join of a run's stream (`runs.joinStream`). `stream_mode` is read from every occurrence (repeated,
 * comma-separated or the SDK's JSON array) by the route itself, against the same mode names.
 */
export const JoinStreamQuery = z.object({
	stream_mode: z.array(StreamModeName).optional().meta({
		description:
			"the modes to send (repeated, comma-separated or a JSON array); all when absent",
	}),
	cancel_on_disconnect: QueryBool.optional().meta({
		description: "true (or 1): cancel the run when this client leaves",
	}),
});

/** `GET /threads/:id/feedback`. */
export const FeedbackListQuery = z.object({
	limit: queryInt(1).optional(),
	checkpoint_id: z.string().optional(),
	label: z.string().optional(),
});

/** `GET /store/items` (`refresh_ttl` is accepted: a read does not extend an item's time to live). */
export const StoreGetQuery = z.object({
	namespace: z.string().optional().meta({
		description: "the item's namespace, its parts joined by dots",
	}),
	key: z
		.string({ error: "pass the item's key (?namespace=a.b&key=k)" })
		.min(1, { error: "pass the item's key (?namespace=a.b&key=k)" }),
	refresh_ttl: QueryBool.optional().meta({
		description: "accepted; a read does not extend the item's time to live",
	}),
});

/** The studio's `GET /studio/api/threads`: a page of the thread list, filtered by `q`. */
export const StudioThreadsQuery = z.object({
	offset: queryInt(0).default(0),
	limit: queryInt(1, 200).default(20),
	q: z.string().default(""),
});

/** The studio's `GET /studio/api/threads/:id/tree`: a page of checkpoints before the `before` cursor. */
export const StudioTreeQuery = z.object({
	limit: queryInt(1, 10_000).default(2000),
	before: z.string().optional(),
});
