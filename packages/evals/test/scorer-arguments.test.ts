// A built-in scorer given an argument that cannot score (an empty needle or pattern, no tool name, a
// passing mark outside [0, 1]) is refused when it is built, with CONFIG_INVALID and a hint: such a
// scorer passed (or failed) every case without a word.
import { isWeftError } from "@weft/checkpoint";
import {
	contains,
	evaluate,
	jsonSchema,
	llmJudge,
	regex,
	type Scorer,
	scorer,
	toolCalled,
} from "@weft/evals";
import { ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { qaGraph } from "./graphs.ts";

/** What `make` throws. */
function thrown(make: () => unknown): unknown {
	try {
		make();
	} catch (error) {
		return error;
	}
	return undefined;
}

function expectRefused(label: string, make: () => Scorer): void {
	const error = thrown(make);
	expect(isWeftError(error, "CONFIG_INVALID"), label).toBe(true);
	expect((error as { hint?: string }).hint, label).toEqual(expect.any(String));
}

const judge = () => new ScriptedChatModel(['{"score": 1}']);

describe("built-in scorers refuse arguments that cannot score", () => {
	it("contains: an empty or blank needle, an empty list, a list holding one, a value that is no text", () => {
		for (const value of ["", "   ", [], ["Paris", ""], [" "], 5, [1], null])
			expectRefused(`contains(${JSON.stringify(value)})`, () =>
				contains({ value: value as string }),
			);
		expect(contains({ value: "Paris" }).name).toBe("contains");
		expect(contains({ value: ["a", "b"] }).name).toBe("contains");
		expect(contains().name).toBe("contains");
	});

	it('exact and contains: options that are no object (exact("Paris") compared with expected, contains("Paris") threw a TypeError), a non-boolean ignoreCase', async () => {
		const { exact } = await import("@weft/evals");
		for (const make of [exact, contains])
			for (const bad of ["Paris", 5, null, ["Paris"], { ignoreCase: "yes" }])
				expectRefused(`${make.name}(${JSON.stringify(bad)})`, () =>
					make(bad as never),
				);
	});

	it("regex: an empty pattern, or one that matches every text (.*, a*), or no pattern at all", () => {
		for (const pattern of ["", /(?:)/, /(?:)/, ".*", /a*/, /x?/])
			expectRefused(`regex(${String(pattern)})`, () => regex(pattern));
		for (const pattern of [undefined, 5, null])
			expectRefused(`regex(${String(pattern)})`, () =>
				regex(pattern as unknown as string),
			);
		// anchored patterns that match the empty text only are fine: "the output is empty"
		for (const pattern of [/^$/, "^\\s*$", /Paris/i, "a+"])
			expect(regex(pattern).name).toBe("regex");
	});

	it("toolCalled: no tool name, or arguments that are no object", () => {
		for (const name of ["", "  ", undefined, 5])
			expectRefused(`toolCalled(${String(name)})`, () =>
				toolCalled(name as string),
			);
		for (const args of [null, [], "q", 5])
			expectRefused(`toolCalled("search", ${JSON.stringify(args)})`, () =>
				toolCalled("search", args as unknown as Record<string, unknown>),
			);
		expect(toolCalled("search", {}).name).toBe("tool:search");
	});

	it("llmJudge: a passAt outside [0, 1], no rubric, no chat model", () => {
		for (const passAt of [-0.1, 1.5, 7, Number.NaN])
			expectRefused(`passAt ${passAt}`, () =>
				llmJudge({ model: judge(), rubric: "r", passAt }),
			);
		for (const rubric of ["", "  ", undefined])
			expectRefused(`rubric ${String(rubric)}`, () =>
				llmJudge({ model: judge(), rubric: rubric as string }),
			);
		for (const model of [undefined, {}, "gpt-4o"])
			expectRefused(`model ${String(model)}`, () =>
				llmJudge({ model: model as never, rubric: "r" }),
			);
		expect(llmJudge({ model: judge(), rubric: "r", passAt: 1 }).name).toBe(
			"judge",
		);
	});

	it("llmJudge: a scale that is no [min, max] pair of numbers with min < max, a passAt off that scale", () => {
		for (const scale of [
			[5, 1],
			[1, 1],
			[1],
			[0, Number.NaN],
			"1-5",
			[0, Infinity],
		])
			expectRefused(`scale ${JSON.stringify(scale)}`, () =>
				llmJudge({ model: judge(), rubric: "r", scale: scale as never }),
			);
		for (const passAt of [0, 0.5, 6])
			expectRefused(`passAt ${passAt} on [1, 5]`, () =>
				llmJudge({ model: judge(), rubric: "r", scale: [1, 5], passAt }),
			);
		expect(
			llmJudge({ model: judge(), rubric: "r", scale: [1, 5], passAt: 4 }).name,
		).toBe("judge");
	});

	it("jsonSchema: a schema that is no zod schema or JSON Schema", () => {
		for (const schema of [{ type: "nope" }, null, "x"])
			expectRefused(`jsonSchema(${JSON.stringify(schema)})`, () =>
				jsonSchema(schema as never),
			);
	});

	it("scorer: no name, or no function", () => {
		expectRefused("scorer('')", () => scorer("", () => true));
		expectRefused("scorer('x', 5)", () => scorer("x", 5 as never));
	});
});

describe("contains() against a case's expected", () => {
	it("an empty expected fails that case's score with VALIDATION_FAILED naming the case, not a pass", async () => {
		const { graph } = qaGraph({ a: "Paris", b: "Paris", c: "Paris" });
		const report = await evaluate(
			graph,
			[
				{ id: "a", input: { question: "a" }, expected: "" },
				{ id: "b", input: { question: "b" }, expected: [] },
				{ id: "c", input: { question: "c" }, expected: "Paris" },
			],
			[contains()],
		);
		for (const c of report.cases.slice(0, 2)) {
			expect(c.scores.contains, c.caseId).toMatchObject({
				score: 0,
				pass: false,
				error: { code: "VALIDATION_FAILED" },
			});
			expect(c.scores.contains!.error!.message).toContain(`"${c.caseId}"`);
		}
		expect(report.cases[2]!.scores.contains).toMatchObject({ pass: true });
	});
});
