import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Every code block in the docs that follows `<!-- example: path#region -->` must equal that region of a
// file in examples/ (which the examples tests run): documentation cannot drift from working code.
const root = new URL("../../", import.meta.url).pathname;
const docs = [
	"README.md",
	...readdirSync(join(root, "docs"))
		.filter((f) => f.endsWith(".md"))
		.map((f) => `docs/${f}`),
	// the READMEs of the packages and apps
	...["packages", "apps"].flatMap((dir) =>
		readdirSync(join(root, dir))
			.map((p) => `${dir}/${p}/README.md`)
			.filter((f) => existsSync(join(root, f))),
	),
];
const marker = /<!-- example: ([^#\s]+)#([\w-]+) -->\s*```\w*\n([\s\S]*?)```/g;

function region(file: string, name: string): string {
	const text = readFileSync(join(root, file), "utf8");
	const match = new RegExp(
		`// #region ${name}\\n([\\s\\S]*?)\\n\\s*// #endregion ${name}`,
	).exec(text);
	if (match === null) throw new Error(`${file} has no region "${name}"`);
	const lines = match[1]!.split("\n");
	const indent = Math.min(
		...lines
			.filter((l) => l.trim() !== "")
			.map((l) => /^\s*/.exec(l)![0].length),
	);
	return lines.map((l) => l.slice(indent)).join("\n");
}

const cases = docs.flatMap((doc) =>
	[...readFileSync(join(root, doc), "utf8").matchAll(marker)].map((m) => ({
		doc,
		file: m[1]!,
		name: m[2]!,
		code: m[3]!,
	})),
);

/**
 * TypeScript blocks of the docs that no example holds: each must say why after `<!-- not-run: … -->`
 * (a fragment, a service the tests cannot reach) so that a new block is an example unless someone says so.
 */
const unmarked = docs.flatMap((doc) => {
	const lines = readFileSync(join(root, doc), "utf8").split("\n");
	return lines.flatMap((line, i) => {
		if (!/^```(ts|typescript|tsx|js|javascript)\s*$/.test(line)) return [];
		const before = lines
			.slice(0, i)
			.reverse()
			.find((l) => l.trim() !== "");
		return /<!-- (example: |not-run: )/.test(before ?? "")
			? []
			: [`${doc}:${i + 1}`];
	});
});

describe("docs snippets match examples", () => {
	it("every TypeScript block of the docs is an example, or says why it is not run", () => {
		expect(unmarked).toEqual([]);
	});
	it("finds snippets to check", () => {
		expect(cases.length).toBeGreaterThan(0);
	});
	it.each(cases)("$doc shows $file#$name as it is", ({ file, name, code }) => {
		expect(code.trimEnd().replace(/\t/g, "  ")).toBe(
			region(file, name).trimEnd().replace(/\t/g, "  "),
		);
	});
});
