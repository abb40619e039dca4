import { GraphValidationError } from "@weft/checkpoint";
import type { z } from "zod";
import type { NodeContext } from "./graph/types.ts";
import { invalidValue } from "./runtime/run-errors.ts";

/** The schemas of every human checkpoint declared in this process, by name (the last declaration wins). */
const declared = new Map<string, { request: z.ZodType; response: z.ZodType }>();
/**
 * The response schemas declared under each name, the newest last (at most `KEPT`): a graph factory called
 * again declares the same checkpoint with new schema objects, and two graphs may use one name.
 */
const responses = new Map<string, z.ZodType[]>();
const KEPT = 16;

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
	checkHuman(name, schemas);
	declared.set(name, { request: schemas.request, response: schemas.response });
	const kept = responses.get(name) ?? [];
	if (!kept.includes(schemas.response)) {
		if (kept.push(schemas.response) > KEPT) kept.shift();
		responses.set(name, kept);
	}
	return {
		name,
		request: schemas.request,
		response: schemas.response,
		async ask(ctx, payload) {
			const parsed = schemas.request.safeParse(payload);
			// the node asked wrongly: the run fails as the node does
			if (!parsed.success)
				throw invalidValue(
					`the request of human checkpoint "${name}"`,
					ctx.node,
					parsed.error,
					`ask with a value that matches the request schema of human("${name}", …)`,
					"request",
				);
			const request = parsed.data;
			return ctx.interrupt<z.output<TResponse>>(
				{ human: name, request },
				{ name, validate: (value) => schemas.response.parse(value) },
			);
		},
	};
}

/** A human checkpoint needs a name and zod schemas: refused where it is declared, not at its first ask. */
function checkHuman(name: unknown, schemas: unknown): void {
	const usage =
		'human("review", { request: z.object({ draft: z.string() }), response: z.object({ ok: z.boolean() }) })';
	if (typeof name !== "string" || name === "")
		throw new GraphValidationError(
			"INVALID_GRAPH",
			`human(): the name must be a non-empty string, not ${typeof name === "string" ? '""' : typeof name}`,
			{ hint: `name the checkpoint: ${usage}` },
		);
	if (typeof schemas !== "object" || schemas === null)
		throw new GraphValidationError(
			"INVALID_GRAPH",
			`human("${name}"): the schemas { request, response } are missing`,
			{
				hint: `pass zod schemas for what is asked and what an answer must be: ${usage}`,
			},
		);
	for (const key of ["request", "response"] as const) {
		const schema = (schemas as Record<string, unknown>)[key] as
			| { safeParse?: unknown; parse?: unknown }
			| null
			| undefined;
		if (
			typeof schema !== "object" ||
			schema === null ||
			typeof schema.safeParse !== "function" ||
			typeof schema.parse !== "function"
		)
			throw new GraphValidationError(
				"INVALID_GRAPH",
				`human("${name}"): ${key} must be a zod schema`,
				{ hint: `pass a zod schema as ${key}: ${usage}` },
			);
	}
}

/**
 * The request and response schemas of the human checkpoint called `name`, if one was declared in this
 * process (`human(name, …)`): what a pending request's `{ human: name }` value asks, and what an answer
 * must look like. Tools (the studio) turn them into forms; the run still checks the answer itself.
 */
export function humanSchemas(
	name: string,
): { request: z.ZodType; response: z.ZodType } | undefined {
	return declared.get(name);
}

/**
 * Why an answer to the human checkpoint called `name` is refused by every response schema this process
 * declared under that name (the newest one's error), so by the one the asking node checks it with; undefined
 * when none was declared or one accepts it.
 */
export function refusedAnswer(name: string, value: unknown): unknown {
	const kept = responses.get(name);
	if (kept === undefined) return undefined;
	let error: unknown;
	for (let i = kept.length - 1; i >= 0; i--) {
		const checked = kept[i]!.safeParse(value);
		if (checked.success) return undefined;
		error ??= checked.error;
	}
	return error;
}
