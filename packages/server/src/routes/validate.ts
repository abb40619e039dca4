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

/**
 * The request's query parameters (the first of each) parsed by `schema`; a bad one is VALIDATION_FAILED
 * (422) naming the parameter, the value given and what to pass. Parameters the schema does not name are
 * ignored, as unknown body keys are.
 */
export function query<TSchema extends z.ZodType>(
	c: Context<any>,
	schema: TSchema,
): z.infer<TSchema> {
	const given = c.req.query();
	const parsed = schema.safeParse(given);
	if (parsed.success) return parsed.data;
	const issue = parsed.error.issues[0]!;
	const name = String(issue.path[0] ?? "(query)");
	const value = given[name];
	throw new ValidationError(
		`query parameter "${name}" ${value === undefined ? "is missing" : `is ${JSON.stringify(value)}`}: ${issue.message}`,
		{
			hint: `${name}: ${issue.message}; /openapi.json lists each route's query parameters`,
		},
	);
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
