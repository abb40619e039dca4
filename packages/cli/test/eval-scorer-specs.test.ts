// Outside checks (6 Dec): `--scorer tool:search --scorer 'tool:search:{"q":1}'` failed as "two scorers are
// named tool:search" with a hint for library users; `cost:-1` was "not a number".
// Outside check (evals, 7 Dec): `--scorer exact:Paris` compared with each case's expected, its argument
// dropped; a module's `scorers` export that is no list (`export const scorers = exact()`), or an
// `evalInput` that is no function, was passed over without a word (decision 0238).
import * as evals from "@weft/evals";
import { describe, expect, it } from "vitest";
import { hooksOf, scorerFromSpec } from "../src/commands/eval-scorers.ts";

describe("weft eval's scorer specs", () => {
	it("names a tool scorer with arguments by its spec, as contains: and regex: are", () => {
		expect(scorerFromSpec(evals, "tool:search").name).toBe("tool:search");
		expect(scorerFromSpec(evals, 'tool:search:{"q":1}').name).toBe(
			'tool:search:{"q":1}',
		);
	});

	it("says a negative limit is one, and an empty one no number", () => {
		expect(() => scorerFromSpec(evals, "cost:-1")).toThrow(
			'"-1" is not a limit of 0 or more',
		);
		expect(() => scorerFromSpec(evals, "latency:")).toThrow(
			'"" is not a number',
		);
	});

	it("refuses an argument to exact, which takes none", () => {
		expect(() => scorerFromSpec(evals, "exact:Paris")).toThrow(
			expect.objectContaining({
				name: "UsageError",
				message: expect.stringContaining("exact:Paris"),
				hint: expect.stringContaining("contains:Paris"),
			}),
		);
	});

	it("refuses a module's scorers that are no list and hooks that are no functions", () => {
		expect(() => hooksOf({ scorers: evals.exact() })).toThrow(
			expect.objectContaining({
				name: "UsageError",
				message: expect.stringContaining("scorers"),
			}),
		);
		expect(() => hooksOf({ scorers: [evals.exact(), "contains"] })).toThrow(
			expect.objectContaining({ name: "UsageError" }),
		);
		expect(() => hooksOf({ evalInput: { question: "x" } })).toThrow(
			expect.objectContaining({
				name: "UsageError",
				message: expect.stringContaining("evalInput"),
			}),
		);
		expect(hooksOf({ graph: {} }).scorers).toEqual([]);
	});
});
