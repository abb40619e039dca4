import { describe, expect, it } from "vitest";
import { forkUpdate } from "../src/fork-update.ts";

describe("the update a studio fork posts", () => {
	it("sends only the keys the edit changed", () => {
		const before = { notes: ["a", "b"], customer: "ada", n: 1 };
		expect(forkUpdate(before, { ...before, customer: "bob" })).toEqual({
			customer: "bob",
		});
		expect(forkUpdate(before, { ...before, notes: ["a"] })).toEqual({
			notes: ["a"],
		});
		expect(forkUpdate(before, before)).toEqual({});
	});
});
