import { toolApproval } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
	initialValue,
	type JsonSchema,
	UnparsedJson,
	unparsedIn,
	validate,
	variantsOf,
} from "../src/json-schema.ts";
import { requestFill } from "../src/request-fill.ts";

const asJson = (schema: z.ZodType) =>
	z.toJSONSchema(schema, {
		unrepresentable: "any",
		io: "input",
	}) as JsonSchema;

describe("the studio's JSON Schema checks agree with zod on the schemas zod writes", () => {
	const cases: Array<[string, z.ZodType, unknown[]]> = [
		[
			"the tool approval answer",
			toolApproval.response,
			[
				{ action: "approve" },
				{ action: "reject" },
				{ action: "reject", reason: "too much" },
				{ action: "edit", args: { amount: 25 } },
				{ action: "edit", args: [25] },
				{ action: "edit" },
				{ action: "maybe" },
				{ byId: { "call-1": { action: "approve" } } },
				{ byId: { "call-1": { action: "nope" } } },
				"approve",
				null,
			],
		],
		[
			"a state with bounds, defaults and optional fields",
			z.object({
				amount: z.number().min(1).default(40),
				customer: z.string().min(2),
				tags: z.array(z.string()).max(2).optional(),
				mode: z.enum(["fast", "safe"]).optional(),
				note: z.string().nullable().optional(),
			}),
			[
				{ customer: "ada" },
				{ customer: "a" },
				{ customer: "ada", amount: 0 },
				{ customer: "ada", amount: "7" },
				{ customer: "ada", tags: ["a", "b", "c"] },
				{ customer: "ada", mode: "slow" },
				{ customer: "ada", note: null },
				{},
			],
		],
	];
	for (const [name, schema, values] of cases)
		it(name, () => {
			const json = asJson(schema);
			for (const v of values)
				expect(
					validate(json, v).length === 0,
					`${JSON.stringify(v)}: ${JSON.stringify(validate(json, v))}`,
				).toBe(schema.safeParse(v).success);
		});

	it("puts errors at their field and starts forms from defaults and the first option", () => {
		const json = asJson(toolApproval.response);
		expect(validate(json, { action: "edit", args: [1] })).toEqual([
			{ path: ["args"], message: "must be object" },
		]);
		expect(validate(json, { action: "maybe" })[0]!.path).toEqual(["action"]);
		expect(variantsOf(json, json)?.length).toBe(4);
		expect(initialValue(json, json)).toEqual({ action: "approve" });
		const state = asJson(z.object({ amount: z.number().default(40) }));
		expect(initialValue(state, state)).toEqual({});
		expect(initialValue(state.properties!.amount!, state)).toBe(40);
	});
});

describe("a form's fields as they are being typed", () => {
	it("refuses a JSON field whose text does not parse, naming the field", () => {
		const schema = asJson(
			z.object({
				action: z.literal("edit"),
				args: z.record(z.string(), z.unknown()),
			}),
		);
		const value = { action: "edit", args: new UnparsedJson("Unexpected end") };
		expect(validate(schema, value)).toEqual([
			{ path: ["args"], message: "is not valid JSON: Unexpected end" },
		]);
		expect(unparsedIn(value)?.problem).toBe("Unexpected end");
		expect(unparsedIn({ action: "edit", args: {} })).toBeUndefined();
	});

	it("starts an answer's fields from the request's own (a draft to edit) and a single tool call's args", () => {
		expect(requestFill({ draft: "line 1\nline 2", to: "bob" })).toEqual({
			draft: "line 1\nline 2",
			to: "bob",
		});
		expect(
			requestFill({ toolCalls: [{ name: "refund", args: { amount: 40 } }] }),
		).toMatchObject({ args: { amount: 40 } });
		expect(requestFill("approve?")).toEqual({});
	});
});
