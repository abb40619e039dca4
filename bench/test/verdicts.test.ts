import { describe, expect, it } from "vitest";
import { HEADLINES } from "../src/headlines.ts";
import type { Row } from "../src/runner/aggregate.ts";
import { verdicts } from "../src/runner/docs.ts";

const stat = (median: number) => ({
	median,
	min: median,
	max: median,
	valid: 3,
	runs: 3,
});

/** The headline `id` as aggregated with these medians. */
function row(id: string, weft: number, langgraph: number): Row {
	const h = HEADLINES.find((x) => x.id === id)!;
	const ratio = weft / langgraph;
	const met =
		h.target === undefined
			? undefined
			: (h.target.ratio === undefined || ratio <= h.target.ratio) &&
				(h.target.weftMax === undefined || weft <= h.target.weftMax);
	return { ...h, weft: stat(weft), langgraph: stat(langgraph), ratio, met };
}

describe("the bench's verdicts", () => {
	it("reads a ratio target's floor as its ratio against LangGraph.js, and says when it stops the figure", () => {
		const above = verdicts([row("W4-g", 0.4, 3.5), row("W4-gf", 0.25, 3.5)]);
		expect(above).toContain(
			"W4-g read state at #100: 1/8.75; its floor W4-gf reads 1/14.0 (0.25), above the target: the floor stops it on this machine",
		);
		const below = verdicts([row("W4-g", 0.4, 3.5), row("W4-gf", 0.15, 3.5)]);
		expect(below).toContain("its floor W4-gf reads 1/23.3 (0.15) (#17)");
		expect(below).not.toContain("stops it");
	});

	it("reads a Weft-only target's floor as its own value", () => {
		const text = verdicts([row("W1p-x", 2.0, 10), row("W1p-s", 1.62, 1)]);
		expect(text).toContain(
			"its floor W1p-s reads 1.62, above the target: the floor stops it on this machine",
		);
	});
});
