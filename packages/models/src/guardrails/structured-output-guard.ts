import { HumanMessage } from "@langchain/core/messages";
import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import type { z } from "zod";
import { configInvalid, describe } from "../config-check.ts";
import { type Guard, textOf } from "./guard.ts";

/** Options of `structuredOutputGuard`. */
const OPTION_KEYS = keysOf<StructuredOutputGuardOptions<z.ZodType>>({
	schema: true,
	repair: true,
	name: true,
});

export interface StructuredOutputGuardOptions<TSchema extends z.ZodType> {
	schema: TSchema;
	/** Ask once more with the validation errors when the answer does not parse. Default true. */
	repair?: boolean | undefined;
	name?: string | undefined;
}

/** Parses JSON from an answer (also inside a ```json fence). */
export function parseJsonAnswer(text: string): unknown {
	const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
	return JSON.parse((fenced?.[1] ?? text).trim());
}

function validate(
	schema: z.ZodType,
	text: string,
): { ok: true } | { ok: false; problems: string[] } {
	let value: unknown;
	try {
		value = parseJsonAnswer(text);
	} catch (e) {
		return { ok: false, problems: [`not JSON: ${(e as Error).message}`] };
	}
	const result = schema.safeParse(value);
	if (result.success) return { ok: true };
	return {
		ok: false,
		problems: result.error.issues.map(
			(i) => `${i.path.join(".") || "(root)"}: ${i.message}`,
		),
	};
}

/**
 * Checks that the answer is JSON valid against a zod schema; on failure asks the model once more
 * with the problems listed (one repair), then blocks with GuardrailError if it is still invalid.
 */
export function structuredOutputGuard<TSchema extends z.ZodType>(
	options: StructuredOutputGuardOptions<TSchema>,
): Guard {
	refuseUnknownKeys(options, OPTION_KEYS, "structuredOutputGuard");
	const schema: unknown = options?.schema;
	if (
		schema === null ||
		typeof schema !== "object" ||
		typeof (schema as { safeParse?: unknown }).safeParse !== "function"
	)
		throw configInvalid(
			`structuredOutputGuard's schema must be a zod schema, got ${describe(schema)}`,
			"pass structuredOutputGuard({ schema: z.object({ … }) }); a JSON Schema object is not read here",
		);
	return {
		name: options.name ?? "structured-output",
		stages: ["output"],
		action: "block",
		async check(ctx) {
			if (ctx.output === undefined) return { ok: true };
			const first = validate(options.schema, textOf(ctx.output));
			if (first.ok) return { ok: true };
			const findings = first.problems.map((p) => ({
				kind: "invalid_output",
				excerpt: p,
			}));
			if (options.repair === false || ctx.retry === undefined)
				return { ok: false, findings };
			const repaired = await ctx.retry([
				...ctx.messages,
				ctx.output,
				new HumanMessage(
					`Your answer did not match the required JSON schema:\n${first.problems.join("\n")}\nReply again with only the corrected JSON.`,
				),
			]);
			const second = validate(options.schema, textOf(repaired));
			if (!second.ok) {
				return {
					ok: false,
					findings: [
						...findings,
						...second.problems.map((p) => ({
							kind: "invalid_output",
							excerpt: `after repair: ${p}`,
						})),
					],
				};
			}
			return {
				ok: false,
				findings,
				repaired: true,
				rewrite: { output: repaired },
			};
		},
	};
}
