import { z } from "zod";
import { type Scorer, verdict } from "./scorer.ts";

/**
 * The output (or, for a string, the JSON it holds, fenced or not) is valid against a schema: a zod
 * schema or a JSON Schema object.
 */
export function jsonSchema(
	schema: z.ZodType | Record<string, unknown>,
): Scorer {
	const zod =
		schema instanceof z.ZodType ? schema : z.fromJSONSchema(schema as never);
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
