// A graph module in a user's own folder, outside this checkout, that cannot be loaded: the error names
// the module, says what is missing and how to get it, and prints no stack or Node's resolver notes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 120_000 });

const dir = mkdtempSync(join(tmpdir(), "weft-module-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A project folder of its own (ESM, as `weft init` makes) with these files. */
function project(name: string, files: Record<string, string>): string {
	const folder = join(dir, name);
	mkdirSync(folder, { recursive: true });
	writeFileSync(join(folder, "package.json"), '{ "type": "module" }\n');
	for (const [file, text] of Object.entries(files))
		writeFileSync(join(folder, file), text);
	return folder;
}

/** `weft dev` with the folder's files (absolute paths: `--import tsx` resolves from the checkout). */
async function dev(cwd: string, args: string[]) {
	const r = await weft([
		"--db",
		join(cwd, "w.db"),
		"dev",
		"--port",
		"0",
		...args.map((a) => a.replace(/^(\w+=)?\.\//, (_, n = "") => `${n}${cwd}/`)),
	]);
	expect(r.stdout).not.toContain("listening");
	expect(r.stderr).not.toMatch(/^\s+at /m);
	expect(r.stderr).not.toContain("Require stack");
	expect(r.stderr).not.toContain("Did you mean");
	return r;
}

describe("a graph module that cannot be loaded", () => {
	it("imports @weft/graph from a folder where it is not installed: says what to install", async () => {
		const cwd = project("no-weft", {
			"graph.ts":
				'import { StateGraph } from "@weft/graph";\nexport const graph = StateGraph;\n',
		});
		const r = await dev(cwd, ["--graph", "g=./graph.ts#graph"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`cannot import ${join(cwd, "graph.ts")}`);
		expect(r.stderr).toContain('"@weft/graph" is not installed');
		expect(r.stderr).toMatch(/hint: .*pnpm add .*packages\/graph/);
		expect(r.stderr).toContain("weft init");
	});

	it("imports another package that is not installed: names it and the command that installs it", async () => {
		const cwd = project("no-package", {
			"graph.ts":
				'import { thing } from "weft-test-no-such-package";\nexport const graph = thing;\n',
		});
		const r = await dev(cwd, ["--graph", "g=./graph.ts#graph"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('"weft-test-no-such-package" is not installed');
		expect(r.stderr).toContain("pnpm add weft-test-no-such-package");
	});

	it("imports a file of its own that does not exist: names the import", async () => {
		const cwd = project("no-file", {
			"graph.ts":
				'import { x } from "./missing.ts";\nexport const graph = x;\n',
		});
		const r = await dev(cwd, ["--graph", "g=./graph.ts#graph"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('imports "./missing.ts", which does not exist');
	});

	it("throws while it is imported: the message and where it was thrown", async () => {
		const cwd = project("throws", {
			"graph.ts":
				'export const graph = 1;\nthrow new Error("no API key in this module");\n',
		});
		const r = await dev(cwd, ["--graph", "g=./graph.ts#graph"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("no API key in this module");
		expect(r.stderr).toContain("graph.ts:2");
	});

	it("has a syntax error: the file, line and column", async () => {
		const cwd = project("syntax", { "graph.ts": "export const graph = (;\n" });
		const r = await dev(cwd, ["--graph", "g=./graph.ts#graph"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`${join(cwd, "graph.ts")}:1:`);
	});
});

// Found from outside (CLI audit, 4 Dec): a .ts module in a folder whose package.json does not say
// "type": "module" (or that has none) failed with Node's "Cannot require() ES Module … in a cycle" and the
// hint to fix the module, which had nothing wrong with it.
describe("a .ts graph module in a CommonJS folder", () => {
	it("says the folder reads .ts as CommonJS and how to make it an ES module", async () => {
		const folder = join(dir, "commonjs");
		mkdirSync(folder, { recursive: true });
		writeFileSync(join(folder, "package.json"), '{ "name": "old-project" }\n');
		writeFileSync(join(folder, "graph.ts"), "export const graph = 1;\n");
		const r = await weft(["graph", join(folder, "graph.ts")], { cwd: folder });
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`cannot import ${join(folder, "graph.ts")}`);
		expect(r.stderr).not.toContain("in a cycle");
		expect(r.stderr).toContain('"type": "module"');
		expect(r.stderr).toContain(join(folder, "package.json"));
		expect(r.stderr).not.toMatch(/^\s+at /m);
	});
});

describe("a graph module path that is a folder", () => {
	it("names the modules in it", async () => {
		const cwd = project("folder", { "graph.ts": "export const graph = 1;\n" });
		const r = await dev(cwd, ["--graph", `g=${cwd}`]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`${cwd} is a folder, not a graph module`);
		expect(r.stderr).toContain("graph.ts");
		expect(r.stderr).not.toContain("Directory import");
	});
});

describe("weft.json that names a graph wrongly", () => {
	it("a module that is not there: names weft.json and the graph", async () => {
		const cwd = project("config-path", {
			"weft.json": '{ "graphs": { "review": "./src/nope.ts#graph" } }',
		});
		const r = await dev(cwd, ["--config", "./weft.json"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(join(cwd, "weft.json"));
		expect(r.stderr).toContain('"review"');
		expect(r.stderr).toContain(join(cwd, "src/nope.ts"));
	});

	it("a graph that is not a string: names weft.json and the graph", async () => {
		const cwd = project("config-type", {
			"weft.json": '{ "graphs": { "review": 42 } }',
		});
		const r = await dev(cwd, ["--config", "./weft.json"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(join(cwd, "weft.json"));
		expect(r.stderr).toContain('"review"');
		expect(r.stderr).not.toContain("no graph module");
	});

	it("an export that is not there: the exports it has", async () => {
		const cwd = project("config-export", {
			"weft.json": '{ "graphs": { "review": "./graph.ts#nope" } }',
			"graph.ts": "export const x = 1;\n",
		});
		const r = await dev(cwd, ["--config", "./weft.json"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('exports no compiled graph named "nope"');
	});
});

describe("weft run of a module with several compiled graphs and no name", () => {
	// found from outside (7 Dec): "exports no compiled graph (graphs found: one, two)", hint "export the
	// result of .compile()", of a module that exports two
	it("says how many it exports and names one to pick", async () => {
		const r = await weft(
			["--db", join(dir, "twins.db"), "run", "fixtures/twin-graphs.ts"],
			{ cwd: join(root, "packages/cli/test") },
		);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("exports 3 compiled graphs: both, refund, wipe");
		expect(r.stderr).toContain("hint: name one: fixtures/twin-graphs.ts#both");
		expect(r.stderr).not.toContain("exports no compiled graph");
	});
});
