// An eval's cost total showed float noise (three $0.1 cases: 0.30000000000000004): summed as the run's
// usage is (decision 0244).
import { describe, expect, it } from "vitest";
import type { CaseResult } from "./store/eval-store.ts";
import { summarize } from "./summarize.ts";

const result = (i: number, costUsd: number): CaseResult =>
	({
		caseId: `c${i}`,
		index: i,
		threadId: `t${i}`,
		status: "done",
		scores: {},
		pass: true,
		usage: { totalTokens: 1, costUsd },
	}) as unknown as CaseResult;

describe("summarize", () => {
	it("adds costs without float noise", () => {
		expect(summarize([0, 1, 2].map((i) => result(i, 0.1))).costUsd).toBe(0.3);
	});
});
