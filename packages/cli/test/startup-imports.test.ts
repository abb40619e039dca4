// Every `weft` command imports the whole command table, so what it loads at start is paid by all of them.
// zod (≈ 100 files) and `@weft/evals` are loaded where a command uses them (`weft eval`, feedback in
// `weft stats`, a graph's MCP tools use the schema's own method), and `node:crypto` (≈ 35 internal
// modules) where an id is made. Checked on the build, in a fresh process, with a resolve hook that
// reports every import.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/weft.mjs", import.meta.url));

const HOOK = `export async function resolve(specifier, context, next) {
	process.stderr.write("IMPORT " + specifier + "\\n");
	return next(specifier, context);
}`;
const REGISTER = `import { register } from "node:module";
register("data:text/javascript,${encodeURIComponent(HOOK)}");`;

/** The specifiers `weft <args>` imports, and what it printed. */
function importsOf(args: string[]): { imports: string[]; stdout: string } {
	const r = spawnSync(
		process.execPath,
		[
			"--import",
			`data:text/javascript,${encodeURIComponent(REGISTER)}`,
			bin,
			...args,
		],
		{ encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
	);
	const imports = r.stderr
		.split("\n")
		.filter((l) => l.startsWith("IMPORT "))
		.map((l) => l.slice("IMPORT ".length));
	return { imports, stdout: r.stdout };
}

describe("what a weft command loads at start", () => {
	it("imports neither zod, @weft/evals nor node:crypto to print its version", () => {
		const { imports, stdout } = importsOf(["--version"]);
		expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
		// the hook sees the CLI's own imports: it did report them
		expect(imports).toContain("@weft/graph");
		expect(
			imports.filter((s) =>
				/^(zod|zod\/.*|@weft\/evals.*|node:crypto|crypto)$/.test(s),
			),
		).toEqual([]);
	});
});

/** The URLs `weft <args>` loads, in order (a load hook registered before anything else reports them). */
function loadsOf(args: string[], cwd: string): string[] {
	const hook = `export async function load(url, context, next) {
	process.stderr.write("LOAD " + url + "\\n");
	return next(url, context);
}`;
	const register = `import { register } from "node:module";
register("data:text/javascript,${encodeURIComponent(hook)}");`;
	const r = spawnSync(
		process.execPath,
		[
			"--import",
			`data:text/javascript,${encodeURIComponent(register)}`,
			bin,
			...args,
		],
		{ cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
	);
	expect(r.status, r.stderr).toBe(0);
	return r.stderr
		.split("\n")
		.filter((l) => l.startsWith("LOAD "))
		.map((l) => l.slice("LOAD ".length));
}

describe("a TypeScript graph module's packages", () => {
	it("are loaded before tsx's hooks, which every later import goes through", () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-preload-"));
		try {
			const loads = loadsOf(
				[
					"run",
					fileURLToPath(
						new URL("./fixtures/two-mails-agent.ts", import.meta.url),
					),
					"--db",
					join(dir, "t.db"),
					"--message",
					"Mail Ann and Bob",
				],
				dir,
			);
			const hooks = loads.findIndex((u) => u.includes("/tsx/dist/esm/api/"));
			const graph = loads.findIndex((u) => u.endsWith("/two-mails-agent.ts"));
			expect(hooks).toBeGreaterThan(0);
			expect(graph).toBeGreaterThan(hooks);
			// zod, @langchain/core and what it loads (langsmith) came through Node's own loader, before the hooks
			const heavy = /\/(zod|@langchain\+core|langsmith)@/;
			expect(
				loads.slice(0, hooks).filter((u) => heavy.test(u)).length,
			).toBeGreaterThan(100);
			expect(loads.slice(hooks).filter((u) => heavy.test(u))).toEqual([]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
