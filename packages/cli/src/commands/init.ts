import {
	cpSync,
	existsSync,
	readdirSync,
	readFileSync,
	realpathSync,
	rmSync,
	statSync,
	writeFileSync,
} from "node:fs";
import {
	basename,
	dirname,
	isAbsolute,
	join,
	relative,
	resolve,
} from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { UsageError } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { shellWord } from "../store.ts";

const cliDir = fileURLToPath(new URL("../../", import.meta.url));
const template = join(cliDir, "templates/agent");

/**
 * Where the new package's dependencies live: this checkout's packages, and the very copies of
 * @langchain/core, zod, tsx and typescript they use (one copy of each in the process, so message classes and
 * schemas match across the project and Weft).
 */
function links(): Record<string, string> {
	const repo = resolve(cliDir, "../..");
	const graph = realpathSync(join(repo, "packages/graph"));
	const real = (from: string, name: string) => {
		const path = join(from, "node_modules", name);
		if (!existsSync(path))
			throw new UsageError(
				`cannot find ${name} next to ${from}`,
				"run `pnpm install` in the Weft checkout first",
			);
		return realpathSync(path);
	};
	return {
		repo,
		graph,
		sqlite: realpathSync(join(repo, "packages/checkpoint-sqlite")),
		cli: join(realpathSync(cliDir), "src/main.ts"),
		langchain: real(graph, "@langchain/core"),
		zod: real(graph, "zod"),
		tsx: real(cliDir, "tsx"),
		// the checkout's own compiler (a root devDependency): `pnpm typecheck` in the new project
		typescript: real(repo, "typescript"),
	};
}

/** `dir` with the first number that makes a name not taken yet (`../my-agent` → `../my-agent-2`). */
function freeFolder(dir: string): string {
	const target = resolve(dir);
	const stem = join(dirname(target), basename(target).replace(/-\d+$/, ""));
	for (let n = 2; ; n++) {
		const free = `${stem}-${n}`;
		if (!existsSync(free))
			return isAbsolute(dir) ? free : relative(process.cwd(), free);
	}
}

/** `path` with its nearest existing ancestor's symlinks resolved (the folder may not exist yet). */
function realTarget(path: string): string {
	if (existsSync(path)) return realpathSync(path);
	const parent = dirname(path);
	return parent === path ? path : join(realTarget(parent), basename(path));
}

/** `dir` when it is free (not there, or an empty folder), else the next free name (`freeFolder`). */
function freeOrSame(dir: string): string {
	return !existsSync(dir) ||
		(statSync(dir).isDirectory() && readdirSync(dir).length === 0)
		? dir
		: freeFolder(dir);
}

/**
 * `weft init <dir>`: writes a package with an agent graph (a tool behind an approval), a test, and a
 * script that runs it, linked to this checkout of Weft: `pnpm install` downloads nothing.
 */
export async function init(dir: string, env: CommandEnv): Promise<number> {
	const target = resolve(dir);
	const repo = resolve(cliDir, "../..");
	// a weft installed from its package (npm, a global install) has no checkout to link a project to
	if (!existsSync(join(repo, "packages/graph/package.json")))
		throw new UsageError(
			`weft init makes a project linked to a checkout of Weft, and this weft (${realpathSync(cliDir)}) is installed from its package`,
			`run it from a checkout: \`git clone <weft repository> weft && cd weft && pnpm install && pnpm weft init ${shellWord(dir)}\`; in a project of your own, install @weft/graph, @weft/checkpoint-sqlite and zod`,
		);
	if (existsSync(target) && !statSync(target).isDirectory())
		throw new UsageError(
			`${target} is a file, not a folder`,
			`pick a new folder: \`weft init ${shellWord(freeFolder(dir))}\``,
		);
	// inside the checkout, `pnpm install` installs the checkout's workspace instead of the project, whose
	// own links then resolve nothing (`pnpm test`: ERR_MODULE_NOT_FOUND @weft/graph; decision 0229)
	for (const checkout of new Set([repo, realpathSync(repo)])) {
		const inside = relative(checkout, realTarget(target));
		if (!inside.startsWith("..") && !isAbsolute(inside))
			throw new UsageError(
				`${target} is inside the Weft checkout ${checkout}: pnpm would install the checkout's workspace there, not the project`,
				`choose a folder outside ${checkout}: \`weft init ${shellWord(freeOrSame(join(dirname(checkout), basename(target) === "" || inside === "" ? "my-agent" : basename(target))))}\``,
			);
	}
	if (existsSync(target) && readdirSync(target).length > 0)
		throw new UsageError(
			`${target} is not empty`,
			`pick a new folder: \`weft init ${shellWord(freeFolder(dir))}\``,
		);
	const values = {
		name: basename(target)
			.toLowerCase()
			.replace(/[^a-z0-9-]/g, "-"),
		...links(),
	};
	const fill = (text: string, as: (key: string, value: string) => string) =>
		text.replace(/\{\{(\w+)\}\}/g, (_, key: string) =>
			as(key, values[key as keyof typeof values] ?? ""),
		);
	// in package.json a path is a JSON string, and the script's one a shell word: a checkout path with a
	// space, a quote or a backslash made a script that failed, or no JSON at all
	const inPackageJson = (key: string, value: string) =>
		JSON.stringify(key === "cli" ? shellWord(value) : value).slice(1, -1);
	const existed = existsSync(target);
	try {
		cpSync(template, target, { recursive: true });
		rmSync(join(target, "package.json.tmpl"));
		writeFileSync(
			join(target, "package.json"),
			fill(
				readFileSync(join(template, "package.json.tmpl"), "utf8"),
				inPackageJson,
			),
		);
		writeFileSync(
			join(target, "README.md"),
			fill(readFileSync(join(template, "README.md"), "utf8"), (_, v) => v),
		);
	} catch (error) {
		// a folder this command made is taken away again; an empty one the user gave is emptied
		try {
			if (!existed) rmSync(target, { recursive: true, force: true });
			else
				for (const f of readdirSync(target))
					rmSync(join(target, f), { recursive: true, force: true });
		} catch {
			// nothing was made there to take away
		}
		const e = error as NodeJS.ErrnoException;
		const why =
			{
				ENOTDIR: "a part of the path is a file",
				EACCES: "permission denied",
				EPERM: "permission denied",
				EROFS: "the file system is read-only",
				ENOSPC: "no space left on the device",
			}[e.code ?? ""] ?? e.message;
		throw new UsageError(
			`cannot write a project to ${target}: ${why}${e.code === undefined ? "" : ` (${e.code})`}`,
			"pick a folder you can write to, whose parent is a folder: `weft init ../my-agent`",
			error,
		);
	}
	const files = [
		"package.json",
		"README.md",
		"tsconfig.json",
		"src/agent.ts",
		"src/main.ts",
		"test/agent.test.ts",
	];
	env.out.result({ dir: target, files }, () =>
		[
			`created ${target}: ${files.join(", ")}`,
			"next:",
			`  cd ${shellWord(dir)} && pnpm install && pnpm test`,
			`  pnpm weft run src/agent.ts --thread office-1 --scopes mail:send --message "Tell Bob the release is on Friday"`,
		].join("\n"),
	);
	return 0;
}

export const initCommand = (act: Act) =>
	withExamples(
		new Command("init")
			.argument("<dir>", "a new (or empty) folder")
			.description(
				"start a project: an agent graph with a tool and an approval, a test, a script",
			)
			.action(act((env, dir: string) => init(dir, env))),
		["weft init ../my-agent && cd ../my-agent && pnpm install && pnpm test"],
	);
