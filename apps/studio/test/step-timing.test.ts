import { readStepTiming } from "@weft/graph";
import { describe, expect, it } from "vitest";
import { type StepMetadata, stepTiming } from "../src/api.ts";

// the studio cannot import @weft/graph in the browser: its reader must agree with readStepTiming
describe("the studio reads every stored form of step timing as readStepTiming does", () => {
	const forms: Array<[string, StepMetadata]> = [
		["a single duration", { nodes: ["a"], timing: 1.5 }],
		["a list", { nodes: ["a", "b"], timing: [0, 2] }],
		["the object form", { nodes: ["a"], timing: { nodes: { a: [0.1] } } }],
		["a list that does not match the nodes", { nodes: ["a"], timing: [1, 2] }],
		["a number for two nodes", { nodes: ["a", "b"], timing: 3 }],
		["a stored __proto__ name", { nodes: ["__proto__"], timing: 4 }],
		["no timing", { nodes: ["a"] }],
	];
	for (const [name, metadata] of forms)
		it(name, () => {
			const ours = stepTiming(metadata);
			const theirs = readStepTiming(metadata as never);
			expect(ours?.nodes).toEqual(theirs?.nodes);
			if (ours !== undefined)
				expect(Object.entries(ours.nodes)).toEqual(
					Object.entries(theirs!.nodes),
				);
		});
});
