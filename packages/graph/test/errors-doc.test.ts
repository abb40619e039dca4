import { readFileSync } from "node:fs";
import { ERROR_CODES } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";

const doc = readFileSync(
	new URL("../../../docs/errors.md", import.meta.url),
	"utf8",
);
const sections = new Set(
	[...doc.matchAll(/^## ([A-Z_]+)$/gm)].map((m) => m[1]),
);

describe("docs/errors.md", () => {
	it.each(ERROR_CODES)("has a section for %s", (code) => {
		expect(sections.has(code)).toBe(true);
	});

	it("has no section for a code that does not exist", () => {
		expect(
			[...sections].filter(
				(s) => !(ERROR_CODES as readonly string[]).includes(s!),
			),
		).toEqual([]);
	});
});
