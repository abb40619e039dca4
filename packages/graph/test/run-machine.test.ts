import { describe, expect, it } from "vitest";
import {
	type LifecycleState,
	RunLifecycle,
} from "../src/runtime/run-machine.ts";

type Step = "EXECUTE" | "COMMIT" | "PLAN";

// An observed run drives the xstate actor; an unobserved one the same table without it. They must agree.
describe("run lifecycle", () => {
	const sequences: Array<
		[Step[], "done" | "interrupted" | "failed" | "cancelled"]
	> = [
		[["EXECUTE", "COMMIT", "PLAN", "EXECUTE", "COMMIT", "PLAN"], "done"],
		[["EXECUTE"], "interrupted"],
		[["COMMIT", "PLAN", "EXECUTE"], "failed"], // the first two are not allowed from planning
		[[], "cancelled"],
	];

	it.each(sequences)(
		"follows %j then %s the same with and without an observer",
		async (steps, end) => {
			const seen: LifecycleState[] = [];
			const observed = await RunLifecycle.start((s) => seen.push(s));
			const plain = await RunLifecycle.start();
			for (const step of steps) {
				observed.step(step);
				plain.step(step);
				expect(plain.state).toBe(seen.at(-1));
				expect(observed.state).toBe(seen.at(-1));
			}
			observed.end(end);
			plain.end(end);
			expect(seen.at(-1)).toBe(end);
			expect(plain.state).toBe(end);
			// a final state takes no more events
			plain.step("EXECUTE");
			expect(plain.state).toBe(end);
		},
	);
});
