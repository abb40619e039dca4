import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagram } from "../src/diagram.ts";

describe("README", () => {
	it("shows the graph as it is (graph.toMermaid())", () => {
		const readme = readFileSync(
			new URL("../README.md", import.meta.url),
			"utf8",
		);
		const shown = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
		expect(shown).toBe(diagram());
	});
});
