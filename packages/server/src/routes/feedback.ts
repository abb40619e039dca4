import type { EvalStore, Feedback } from "@weft/evals";
import { listFeedback, recordFeedback } from "@weft/evals";
import { Hono } from "hono";
import {
	type Env,
	ownedThread,
	ownerOf,
	type ServerContext,
} from "../context.ts";
import { FeedbackListQuery } from "../query-schemas.ts";
import { FeedbackCreate } from "../schemas.ts";
import { body, query } from "./validate.ts";

/** Feedback in the API's shape (snake_case, like the rest of the wire). */
export const toFeedback = (f: Feedback) => ({
	feedback_id: f.id,
	thread_id: f.threadId,
	checkpoint_id: f.checkpointId ?? null,
	score: f.score ?? null,
	label: f.label ?? null,
	comment: f.comment ?? null,
	by: f.by ?? null,
	created_at: f.createdAt,
});

/**
 * `POST /threads/:thread_id/feedback` records a score, label or comment on a thread's run (or one of its
 * checkpoints); `GET` lists it, oldest first. Only the thread's owner reaches either; with auth on,
 * `by` is the caller's identity.
 */
export function feedbackRoutes(
	ctx: ServerContext,
	store: EvalStore,
): Hono<Env> {
	const app = new Hono<Env>();
	app.post("/", async (c) => {
		const thread = await ownedThread(ctx, c, c.req.param("thread_id")!);
		const b = await body(c, FeedbackCreate);
		const feedback = await recordFeedback(
			store,
			{
				threadId: thread.threadId,
				checkpointId: b.checkpoint_id,
				score: b.score,
				label: b.label,
				comment: b.comment,
				by: ownerOf(c) ?? b.by,
			},
			{ checkpointer: ctx.checkpointer },
		);
		return c.json(toFeedback(feedback));
	});
	app.get("/", async (c) => {
		const q = query(c, FeedbackListQuery);
		const thread = await ownedThread(ctx, c, c.req.param("thread_id")!);
		const found = await listFeedback(store, {
			threadId: thread.threadId,
			checkpointId: q.checkpoint_id,
			label: q.label,
			limit: q.limit,
		});
		return c.json(found.map(toFeedback));
	});
	return app;
}
