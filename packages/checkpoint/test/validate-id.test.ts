import { isWeftError, MAX_ID_LENGTH, validateId } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";

function code(value: unknown, kind?: Parameters<typeof validateId>[1]) {
	try {
		validateId(value, kind);
		return "ok";
	} catch (error) {
		return isWeftError(error) ? error.code : "untyped";
	}
}

describe("validateId", () => {
	it("takes non-empty, well-formed strings up to the limit and returns them", () => {
		for (const id of ["a", "thread-1", "🧵", "é", "x".repeat(MAX_ID_LENGTH)])
			expect(validateId(id)).toBe(id);
		expect(validateId("", "namespace")).toBe("");
	});

	it("refuses everything else with INVALID_ID and a message naming the problem", () => {
		const bad: unknown[] = [
			"",
			42,
			null,
			undefined,
			{},
			"a\0b",
			"x".repeat(MAX_ID_LENGTH + 1),
			"sur\uD800",
			"sur\uDBFF",
			"\uDC00",
			"a\uDE00b",
		];
		for (const value of bad)
			expect(code(value), String(value)).toBe("INVALID_ID");
		expect(() => validateId("sur\uD800", "checkpoint id")).toThrow(
			/invalid checkpoint id .*lone surrogate/,
		);
		expect(() => validateId(7)).toThrow(/expected a string, got number/);
		expect(() => validateId("", "thread id")).toThrow(/empty/);
	});

	it("keeps a namespace of only a NUL or a lone surrogate out too", () => {
		expect(code("\0", "namespace")).toBe("INVALID_ID");
		expect(code("\uD800", "namespace")).toBe("INVALID_ID");
	});
});
