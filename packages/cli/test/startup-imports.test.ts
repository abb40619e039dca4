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

/**
 * Runs `weft <args>` in a fresh process with a module hook registered before anything else, which writes
 * `<hook> <what it is given>` to stderr for each `resolve` (the specifier) or `load` (the URL) call;
 * returns those, in order, and what the command printed.
 */
function reported(
	hook: "resolve" | "load",
	args: string[],
	cwd?: string,
): { seen: string[]; stdout: string; status: number | null; stderr: string } {
	const tag = hook.toUpperCase();
	const source = `export async function ${hook}(value, context, next) {
	process.stderr.write("${tag} " + value + "\\n");
	return next(value, context);
}`;
	const register = `import { register } from "node:module";
register("data:text/javascript,${encodeURIComponent(source)}");`;
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
	const seen = r.stderr
		.split("\n")
		.filter((l) => l.startsWith(`${tag} `))
		.map((l) => l.slice(tag.length + 1));
	return { seen, stdout: r.stdout, status: r.status, stderr: r.stderr };
}

describe("what a weft command loads at start", () => {
	it("imports neither zod, @weft/evals nor node:crypto to print its version", () => {
		const { seen: imports, stdout } = reported("resolve", ["--version"]);
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

describe("a TypeScript graph module's packages", () => {
	it("are loaded before tsx's hooks, which every later import goes through", () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-preload-"));
		try {
			const {
				seen: loads,
				status,
				stderr,
			} = reported(
				"load",
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
			expect(status, stderr).toBe(0);
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
