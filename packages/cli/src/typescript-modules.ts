// A TypeScript graph module is imported through tsx's hooks, registered once a process. Once they are,
// Node 20 passes every later import through them, a package's plain JavaScript included: ≈ 7 ms of CPU a
// module there against well under one through Node's own loader (zod's 95 files ≈ 0.7 s, an agent's
// @langchain/core, langsmith and zod ≈ 2 s: most of what `weft run` cost). So the large packages the
// module imports by name are imported first, before the hooks, when the module would get the very copy
// this CLI gets: Node's module cache then answers the module's own imports of them.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";

let registered = false;

/** Registers tsx for `path` (a .ts, .mts, .cts or .tsx module) unless it is or this process runs under it. */
export async function registerTsx(path: string): Promise<void> {
	if (
		!/\.[mc]?tsx?$/.test(path) ||
		registered ||
		process.execArgv.some((a) => a.includes("tsx"))
	)
		return;
	await preloadPackages(path);
	const { register } = await import("tsx/esm/api");
	register();
	registered = true;
}

/**
 * Packages imported early: without effects on import (a side-effect import such as `dotenv/config` keeps
 * its place among the module's imports) and large.
 */
const EARLY = /^(?:zod|@langchain\/[^/]+|@weft\/[^/]+)(?:\/[^/].*)?$/;

/** At most this many local modules are read to find the packages (a graph split into a few files). */
const MAX_FILES = 50;

async function preloadPackages(path: string): Promise<void> {
	const own = createRequire(import.meta.url);
	for (const { specifier, from } of packageImports(path)) {
		try {
			if (createRequire(from).resolve(specifier) !== own.resolve(specifier))
				continue;
			await import(specifier);
		} catch {
			// not resolvable the same way from both places, or failing to load: the module's own import of
			// it, through tsx, gives its error where the user can read it
		}
	}
}

// `import … from "x"`, `export … from "x"` (not `import type`), and `import("x")` with a literal
const IMPORTS =
	/\b(?:import|export)\s+(?!type\b)[^;'"]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

/** The packages `path` and the local modules it imports import by name, each once, in the order met. */
function packageImports(path: string): { specifier: string; from: string }[] {
	const found = new Map<string, string>();
	const files = [path];
	const seen = new Set(files);
	for (let i = 0; i < files.length && i < MAX_FILES; i++) {
		const file = files[i]!;
		let text: string;
		try {
			text = readFileSync(file, "utf8");
		} catch {
			continue;
		}
		for (const m of text.matchAll(IMPORTS)) {
			const specifier = m[1] ?? m[2]!;
			if (specifier.startsWith(".")) {
				const local = localModule(resolve(dirname(file), specifier));
				if (local !== undefined && !seen.has(local)) {
					seen.add(local);
					files.push(local);
				}
			} else if (EARLY.test(specifier) && !found.has(specifier))
				found.set(specifier, file);
		}
	}
	return [...found].map(([specifier, from]) => ({ specifier, from }));
}

/** The TypeScript file a relative import names (`./tools.js` is written for `./tools.ts`), if any. */
function localModule(target: string): string | undefined {
	const stem = target.replace(/\.[mc]?[jt]sx?$/, "");
	for (const ext of [".ts", ".mts", ".tsx", ".cts"])
		if (existsSync(stem + ext)) return stem + ext;
	return undefined;
}
