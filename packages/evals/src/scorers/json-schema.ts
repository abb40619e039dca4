import { z } from "zod";
import { badArgument, shown } from "./arguments.ts";
import { type Scorer, verdict } from "./scorer.ts";

/**
 * The output (or, for a string, the JSON it holds, fenced or not) is valid against a schema: a zod
 * schema or a JSON Schema object.
 */
export function jsonSchema(
	schema: z.ZodType | Record<string, unknown>,
): Scorer {
	const zod = schema instanceof z.ZodType ? schema : fromJsonSchema(schema);
	return {
		name: "json-schema",
		score(run) {
			let value = run.output;
			if (typeof value === "string") {
				const text = value.replace(/^\s*```(?:json)?\s*|\s*```\s*$/g, "");
				try {
					value = JSON.parse(text);
				} catch {
					return verdict(false, "the output is not JSON");
				}
			}
			const parsed = zod.safeParse(value);
			if (parsed.success) return verdict(true, "valid");
			const issue = parsed.error.issues[0]!;
			const at = issue.path.length === 0 ? "" : ` at ${issue.path.join(".")}`;
			return verdict(false, `${issue.message}${at}`);
		},
	};
}

/** A JSON Schema as a zod schema; one zod cannot read is CONFIG_INVALID. */
function fromJsonSchema(schema: unknown): z.ZodType {
	try {
		if (typeof schema !== "object" || schema === null || Array.isArray(schema))
			throw new Error(`${shown(schema)} is no object`);
		return z.fromJSONSchema(schema as never);
	} catch (error) {
		return badArgument(
			`jsonSchema: the schema is no zod schema or JSON Schema zod can read (${(error as Error).message})`,
			'pass a zod schema, or a JSON Schema object such as { type: "object", properties: { … } }',
		);
	}
}
