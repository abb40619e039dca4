import { describe, expect, it } from "vitest";
import { reportReview } from "../src/graph.ts";

describe("the report review's answers", () => {
	it.each([
		{ action: "reject", reason: "   " },
		{ action: "reject", reason: "" },
		{ action: "edit", report: " \n\t" },
	])("refuses a blank text: %o", (answer) => {
		expect(reportReview.response.safeParse(answer).success).toBe(false);
	});

	it("accepts a reason and a report with words in them", () => {
		expect(
			reportReview.response.parse({ action: "reject", reason: " too thin " }),
		).toEqual({ action: "reject", reason: "too thin" });
		expect(
			reportReview.response.safeParse({ action: "edit", report: "# Tides" })
				.success,
		).toBe(true);
	});
});
