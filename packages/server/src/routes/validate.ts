import { ValidationError } from "@weft/checkpoint";
import type { Context } from "hono";
import type { z } from "zod";
import { bodyText } from "../body-limit.ts";

/** The request's JSON body parsed by `schema`; a bad one is a VALIDATION_FAILED error (422). */
export async function body<TSchema extends z.ZodType>(
	c: Context<any>,
	schema: TSchema,
): Promise<z.infer<TSchema>> {
	const text = await bodyText(c);
	let json: unknown = {};
	if (text.trim() !== "") {
		try {
			json = JSON.parse(text);
		} catch {
			throw new ValidationError("the request body is not JSON", {
				hint: "send a JSON object",
			});
		}
	}
	return parsedAs(schema, json ?? {}, "request body");
}

/** The request's query parameters (the last of each) parsed by `schema`; a bad one is VALIDATION_FAILED (422). */
export function query<TSchema extends z.ZodType>(
	c: Context<any>,
	schema: TSchema,
): z.infer<TSchema> {
	return parsedAs(schema, c.req.query(), "query");
}

function parsedAs<TSchema extends z.ZodType>(
	schema: TSchema,
	value: unknown,
	what: string,
): z.infer<TSchema> {
	const parsed = schema.safeParse(value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new ValidationError(
			`${what}: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
			{ hint: "see /openapi.json for the request shapes" },
		);
	}
	return parsed.data;
}
