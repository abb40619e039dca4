// How a question asked again is compared with the one an update carried (decision 0174).
import { describe, expect, it } from "vitest";
import { sameRequest } from "../src/runtime/same-request.ts";

describe("sameRequest", () => {
	it("compares plain data by value, a missing key as one set to undefined", () => {
		expect(sameRequest({ a: [1, { b: "x" }] }, { a: [1, { b: "x" }] })).toBe(
			true,
		);
		expect(sameRequest({ amount: 5 }, { amount: 500 })).toBe(false);
		expect(sameRequest({ a: 1 }, { a: 1, b: undefined })).toBe(true);
		expect(sameRequest({ a: 1 }, { a: 1, b: 2 })).toBe(false);
		expect(sameRequest([1, 2], [1, 2, 3])).toBe(false);
	});

	it("reads values as the store gives them back: -0 is 0, NaN is NaN, Dates by time", () => {
		expect(sameRequest(0, -0)).toBe(true);
		expect(sameRequest(Number.NaN, Number.NaN)).toBe(true);
		expect(sameRequest(new Date(5), new Date(5))).toBe(true);
		expect(sameRequest(new Date(5), new Date(6))).toBe(false);
	});

	it("counts a class instance as the same (a stored one comes back as another object)", () => {
		class Message {
			constructor(readonly text: string) {}
		}
		expect(sameRequest(new Message("a"), new Message("b"))).toBe(true);
	});
});
