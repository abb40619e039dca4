// Outside check (evals, 7 Dec): a dataset line with a misspelt field (`"expcted": "Paris"`,
// `"anwsers": […]`) was read without it: every case then failed ("no expected") or stopped at its
// approval, with no word on the line at fault. A key a letter or two from a case's field is a
// DATASET_INVALID naming the line and the field meant; other keys (notes of your own) are still ignored
// (decision 0238).
import { parseCases, parseJsonl } from "@weft/evals";
import { describe, expect, it } from "vitest";

describe("a dataset case's keys", () => {
	it("refuses a misspelt field, naming the line and the field meant", () => {
		expect(() =>
			parseJsonl(
				[
					'{"id": "a", "input": {}, "expected": "x"}',
					'{"id": "b", "input": {}, "expcted": "Paris"}',
				].join("\n"),
				"cases.jsonl",
			),
		).toThrow(
			expect.objectContaining({
				code: "DATASET_INVALID",
				message: expect.stringMatching(/^cases\.jsonl:2: .*"expcted"/),
				hint: expect.stringContaining("did you mean expected?"),
			}),
		);
		expect(() =>
			parseCases([{ id: "a", input: {}, anwsers: [{ action: "approve" }] }]),
		).toThrow(
			expect.objectContaining({
				code: "DATASET_INVALID",
				hint: expect.stringContaining("did you mean answers?"),
			}),
		);
	});

	it("keeps ignoring a key of your own that is no misspelling", () => {
		const [c] = parseJsonl(
			'{"id": "a", "input": {}, "expected": "x", "notes": "from ticket 12", "source": "faq"}',
		);
		expect(c).toEqual({ id: "a", input: {}, expected: "x" });
	});

	it("a case without an id (or with an empty one) names the file, the line and what to do", () => {
		for (const line of [
			'{"input": {}}',
			'{"id": "", "input": {}}',
			'{"id": null, "input": {}}',
		])
			expect(() =>
				parseJsonl(`{"id": "a", "input": {}}\n${line}`, "cases.jsonl"),
			).toThrow(
				expect.objectContaining({
					code: "DATASET_INVALID",
					message: expect.stringMatching(/^cases\.jsonl:2: .*\bid\b/),
					hint: expect.stringContaining("unique id"),
				}),
			);
		let error: Error | undefined;
		try {
			parseCases([{ input: {} }], "cases.json");
		} catch (e) {
			error = e as Error;
		}
		expect(error?.message).toMatch(/^cases\.json, case 1: /);
		expect(error?.message).not.toContain("Invalid input");
	});
});
