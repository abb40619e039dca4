// Outside check (evals, 7 Dec): feedback whose only content was a blank label (`label: "  "`) was
// recorded, though a blank comment alone is refused ("an empty comment says nothing"); a blank `by` named
// nobody. Both are VALIDATION_FAILED, and nothing is recorded (decision 0238).
import { listFeedback, MemoryEvalStore, recordFeedback } from "@weft/evals";
import { describe, expect, it } from "vitest";

describe("feedback with a blank label or author", () => {
	it("is refused, naming the field; nothing is recorded", async () => {
		const store = new MemoryEvalStore();
		for (const [field, input] of [
			["label", { threadId: "t", label: "  " }],
			["label", { threadId: "t", score: 1, label: "\t" }],
			["by", { threadId: "t", score: 1, by: " " }],
		] as const) {
			await expect(recordFeedback(store, input), field).rejects.toMatchObject({
				code: "VALIDATION_FAILED",
				message: expect.stringContaining(`(${field})`),
			});
		}
		expect(await listFeedback(store)).toEqual([]);
		await recordFeedback(store, { threadId: "t", label: " helpful " });
		expect((await listFeedback(store))[0]?.label).toBe(" helpful ");
	});
});
