// The hint of an answer to a thread with nothing pending says what a run did with the answer before: it has
// it now (watch), took it and died (recover), took it and was cancelled (continue), or asked nothing yet.
import type { Checkpointer, ThreadInfo } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";
import { answerTakenHint } from "../src/answer-taken.ts";

const store = (status: ThreadInfo["status"]) =>
	({
		getThread: async () => ({ threadId: "t", status }) as ThreadInfo,
	}) as unknown as Checkpointer;

describe("answerTakenHint", () => {
	it("names weft continue for a run cancelled (Ctrl-C) after it took the answer", async () => {
		const hint = await answerTakenHint(store("cancelled"), "t", "", true);
		expect(hint).toContain("took the answer");
		expect(hint).toMatch(/weft continue t` goes on with that answer/);
		// nothing answered there: the usual "answered already?" hint
		expect(await answerTakenHint(store("cancelled"), "t", "", false)).toBe(
			undefined,
		);
	});

	it("says a run took the answer only when the checkpoint records one", async () => {
		expect(await answerTakenHint(store("running"), "t", "", true)).toContain(
			"a run has the answer",
		);
		const early = await answerTakenHint(store("running"), "t", "", false);
		expect(early).toContain("asks nothing now");
		expect(await answerTakenHint(store("stale"), "t", "", false)).not.toContain(
			"took the answer",
		);
		expect(await answerTakenHint(store("done"), "t", "", true)).toBe(undefined);
	});
});
