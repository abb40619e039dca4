import { describe, expect, it } from "vitest";
import { reportReview } from "../src/graph.ts";

describe("the report review's answers", () => {
	it.each([
		{ action: "reject", reason: "   " },
		{ action: "reject", reason: "" },
		{ action: "edit", draft: " \n\t" },
	])("refuses a blank text: %o", (answer) => {
		expect(reportReview.response.safeParse(answer).success).toBe(false);
	});

	it("accepts a reason with words in it", () => {
		expect(
			reportReview.response.parse({ action: "reject", reason: " too thin " }),
		).toEqual({ action: "reject", reason: "too thin" });
	});

	// outside check (CLI, 2 Dec): the request shows the report as `draft`, so `weft approve --edit
	// '{"draft":…}'` is what a reviewer types; the answer wanted `report` and refused it
	it("takes an edit in the field the request shows it in (draft)", () => {
		const request = reportReview.request.shape;
		expect(Object.keys(request)).toContain("draft");
		expect(
			reportReview.response.safeParse({ action: "edit", draft: "# Tides" })
				.success,
		).toBe(true);
	});
});

describe("the demo's review prompt", () => {
	it("approves only on a clear yes; anything else is asked again", async () => {
		const { reviewChoice } = await import("../src/review-choice.ts");
		for (const yes of ["a", "A", " approve ", "y", "yes"])
			expect(reviewChoice(yes)).toBe("approve");
		expect(reviewChoice("r")).toBe("reject");
		expect(reviewChoice("edit")).toBe("edit");
		for (const unclear of ["", "no", "n", "x", "nope", "ok?"])
			expect(reviewChoice(unclear)).toBeUndefined();
	});
});
