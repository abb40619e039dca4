// Outside checks (6 Dec): `--scorer tool:search --scorer 'tool:search:{"q":1}'` failed as "two scorers are
// named tool:search" with a hint for library users; `cost:-1` was "not a number".
import * as evals from "@weft/evals";
import { describe, expect, it } from "vitest";
import { scorerFromSpec } from "../src/commands/eval-scorers.ts";

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
});
