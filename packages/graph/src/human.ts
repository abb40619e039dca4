import type { z } from "zod";
import type { NodeContext } from "./graph/types.ts";

/** A typed human checkpoint: what is asked, and what an answer must look like. */
export interface HumanCheckpoint<
	TRequest extends z.ZodType,
	TResponse extends z.ZodType,
> {
	readonly name: string;
	readonly request: TRequest;
	readonly response: TResponse;
	/**
	 * Pauses the run with a request checked by the request schema; on resume returns the answer checked by
	 * the response schema (a bad answer throws ValidationError and the run stays paused).
	 */
	ask(
		ctx: NodeContext,
		payload: z.input<TRequest>,
	): Promise<z.output<TResponse>>;
}

/**
 * Declares a human checkpoint.
 * @example
 * const review = human("review", { request: z.object({ draft: z.string() }), response: z.object({ ok: z.boolean() }) });
 * const answer = await review.ask(ctx, { draft }); // paused here until resumed
 */
export function human<TRequest extends z.ZodType, TResponse extends z.ZodType>(
	name: string,
	schemas: { request: TRequest; response: TResponse },
): HumanCheckpoint<TRequest, TResponse> {
	return {
		name,
		request: schemas.request,
		response: schemas.response,
		async ask(ctx, payload) {
			const request = schemas.request.parse(payload);
			return ctx.interrupt<z.output<TResponse>>(
				{ human: name, request },
				{ name, validate: (value) => schemas.response.parse(value) },
			);
		},
	};
}
