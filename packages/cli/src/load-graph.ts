import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import {
	basename,
	dirname,
	isAbsolute,
	join,
	relative,
	resolve,
	sep,
} from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Checkpointer } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import { noThread, UsageError } from "./cli-error.ts";
import { readText } from "./parse-value.ts";
import { readableSummaries } from "./readable-list.ts";
import { shellWord } from "./store.ts";
import { registerTsx } from "./typescript-modules.ts";

export type AnyGraph = CompiledGraph<any, any>;

const isGraph = (v: unknown): v is AnyGraph =>
	typeof v === "object" &&
	v !== null &&
	typeof (v as AnyGraph).withCheckpointer === "function" &&
	typeof (v as AnyGraph).getState === "function";

/**
 * Imports a module that exports a compiled graph (`path` or `path#exportName`; default: the default
 * export, else `graph`, else the only graph exported). `path` is relative to `base` (the project: the
 * folder of the SQLite file, else the working directory). Returns the graph (bound to `checkpointer`
 * when given) and the reference recorded with runs: relative to `base`, so the project can move.
 */
export async function loadGraph(
	ref: string,
	checkpointer: Checkpointer | undefined,
	base: string = process.cwd(),
): Promise<{ graph: AnyGraph; ref: string }> {
	const [file, name] = ref.split("#") as [string, string | undefined];
	const path = isAbsolute(file) ? file : resolve(base, file);
	if (!existsSync(path))
		throw new UsageError(
			`no graph module at ${path}`,
			"give the path of a module that exports a compiled graph (path/to/graph.ts or path#exportName)",
		);
	if (statSync(path).isDirectory()) {
		const modules = readdirSync(path).filter((f) => /\.[mc]?[jt]sx?$/.test(f));
		throw new UsageError(
			`${path} is a folder, not a graph module`,
			modules.length === 0
				? "give the path of the module file that exports the compiled graph (path/to/graph.ts#exportName)"
				: `give the module file in it that exports the graph: ${modules
						.slice(0, 5)
						.map((f) => join(file, f))
						.join(", ")}${modules.length > 5 ? ", …" : ""}`,
		);
	}
	await registerTsx(path);
	let module: Record<string, unknown>;
	try {
		module = (await import(pathToFileURL(path).href)) as Record<
			string,
			unknown
		>;
	} catch (error) {
		throw importError(path, error);
	}
	const candidates = Object.entries(module).filter(
		(e): e is [string, AnyGraph] => isGraph(e[1]),
	);
	const picked =
		name !== undefined
			? candidates.find(([k]) => k === name)
			: (candidates.find(([k]) => k === "default") ??
				candidates.find(([k]) => k === "graph") ??
				(candidates.length === 1 ? candidates[0] : undefined));
	if (picked === undefined && name === undefined && candidates.length > 1) {
		// several and none named: which to run is the user's to say (module.ts#exportName)
		const rel = relative(process.cwd(), path);
		const shown = rel.startsWith("..") || isAbsolute(rel) ? path : rel;
		throw new UsageError(
			`${path} exports ${candidates.length} compiled graphs: ${candidates.map(([k]) => k).join(", ")}`,
			`name one: ${shellWord(shown)}#${candidates[0]![0]}`,
		);
	}
	if (picked === undefined) {
		const found = candidates.map(([k]) => k).join(", ") || "none";
		throw new UsageError(
			`${path} exports no compiled graph${name === undefined ? "" : ` named "${name}"`} (graphs found: ${found})`,
			"export the result of .compile(), or name it: module.ts#exportName",
		);
	}
	const rel = relative(base, path);
	const stored = rel.startsWith(`..${sep}..`) || isAbsolute(rel) ? path : rel;
	return {
		graph:
			checkpointer === undefined
				? picked[1]
				: picked[1].withCheckpointer(checkpointer),
		ref: `${stored.split(sep).join("/")}#${picked[0]}`,
	};
}

const checkout = resolve(fileURLToPath(import.meta.url), "../../../..");

/**
 * Why a graph module could not be imported, in words: a package it imports that is not installed where
 * the module is (and how to install it), a file of its own that is not there, or its own error with the
 * place it was thrown. Node's resolver notes ("Require stack", "Did you mean…") are left out.
 */
function importError(path: string, error: unknown): UsageError {
	const message = error instanceof Error ? error.message : String(error);
	const code = (error as { code?: unknown } | null)?.code;
	const missing = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
	if (
		missing !== undefined &&
		(code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND")
	) {
		if (missing.startsWith(".") || isAbsolute(missing)) {
			const spec = /imported from/.test(message)
				? `./${relative(dirname(path), missing).split(sep).join("/")}`
				: missing;
			return new UsageError(
				`cannot import ${path}: it imports "${spec}", which does not exist (${resolve(dirname(path), missing)})`,
				"fix the import's path in the module (TypeScript files are imported with their .ts extension)",
				error,
			);
		}
		const name = missing.startsWith("@")
			? missing.split("/").slice(0, 2).join("/")
			: missing.split("/")[0]!;
		const folder = dirname(path);
		return new UsageError(
			`cannot import ${path}: "${name}" is not installed in ${folder} or a folder above it`,
			name.startsWith("@weft/")
				? `install Weft in the module's project, linked to this checkout: \`pnpm add link:${join(checkout, "packages", name.slice("@weft/".length))} zod@4\`, or start a project that has it with \`weft init <dir>\` (docs/getting-started.md)`
				: `install it in the module's project: \`pnpm add ${name}\` (or \`npm install ${name}\`) in ${folder}`,
			error,
		);
	}
	// a .ts file where Node reads .ts as CommonJS (no "type": "module" above it): tsx hands its ESM to
	// require(), which Node refuses ("in a cycle"); nothing is wrong in the module itself
	const pkg = packageJsonAbove(dirname(path));
	if (
		(code === "ERR_REQUIRE_CYCLE_MODULE" || code === "ERR_REQUIRE_ESM") &&
		/\.tsx?$/.test(path) &&
		(pkg === undefined || !declaresModule(pkg))
	)
		return new UsageError(
			`cannot import ${path}: ${pkg === undefined ? 'no package.json above it says "type": "module"' : `${pkg} does not say "type": "module"`}, so Node reads the .ts file as CommonJS, and a graph module is an ES module`,
			pkg === undefined
				? `put a package.json with { "type": "module" } in ${dirname(path)}, or name the module .mts`
				: `add "type": "module" to ${pkg}, or name the module .mts`,
			error,
		);
	const first = message.split("\n")[0]!;
	const shown = /^Transform failed/.test(first)
		? message.split("\n").slice(0, 3).join("\n")
		: first;
	return new UsageError(
		`cannot import ${path}: ${shown}${thrownAt(path, error)}`,
		"fix the error in the module, or give another one (--debug prints where it failed)",
		error,
	);
}

/** The nearest package.json in `folder` or a folder above it (Node's module scope), if any. */
function packageJsonAbove(folder: string): string | undefined {
	for (let at = folder; ; at = dirname(at)) {
		const file = join(at, "package.json");
		if (existsSync(file)) return file;
		if (dirname(at) === at) return undefined;
	}
}

/** Whether a package.json says `"type": "module"` (one that does not read says no). */
function declaresModule(file: string): boolean {
	try {
		return JSON.parse(readFileSync(file, "utf8"))?.type === "module";
	} catch {
		return false;
	}
}

/** " (thrown at graph.ts:3:9)": the module's own line in an error's stack, if it is there. */
function thrownAt(path: string, error: unknown): string {
	const stack = error instanceof Error ? (error.stack ?? "") : "";
	const url = pathToFileURL(path).href;
	for (const line of stack.split("\n")) {
		const at =
			line.indexOf(url) >= 0 ? url : line.indexOf(path) >= 0 ? path : undefined;
		if (at === undefined || !/^\s+at /.test(line)) continue;
		const place = /:(\d+):(\d+)\)?\s*$/.exec(line);
		if (place !== null)
			return ` (thrown at ${basename(path)}:${place[1]}:${place[2]})`;
	}
	return "";
}

/**
 * The graph module a thread was run with (recorded in its checkpoints' metadata), or the one given with
 * --graph. A recorded module that moved is named, with the way to point elsewhere.
 */
export async function graphOfThread(
	checkpointer: Checkpointer,
	threadId: string,
	explicit: string | undefined,
	base: string,
): Promise<{ graph: AnyGraph; ref: string }> {
	if (explicit !== undefined) {
		// a thread the store does not have is refused as without --graph: running on it would make it
		if ((await checkpointer.getThread(threadId)) === undefined) {
			const summaries = readableSummaries(checkpointer, threadId);
			const none = (await summaries.next()).done === true;
			await summaries.return(undefined);
			if (none) throw noThread(threadId);
		}
		return loadGraph(resolve(explicit), checkpointer, base);
	}
	let seen = false;
	let graphId: string | undefined;
	for await (const s of readableSummaries(checkpointer, threadId)) {
		seen = true;
		const recorded = s.metadata.graph;
		if (typeof recorded !== "string") {
			// a server's run records the graph's name (its assistant's graph_id), not its module
			if (typeof s.metadata.graph_id === "string")
				graphId ??= s.metadata.graph_id;
			continue;
		}
		const file = recorded.split("#")[0]!;
		if (!existsSync(isAbsolute(file) ? file : resolve(base, file)))
			throw new UsageError(
				`thread "${threadId}" was run with the graph module ${recorded}, which is no longer at ${resolve(base, file)}`,
				`point at the module with --graph path/to/module.ts (a path from the current folder, ${process.cwd()})`,
			);
		return loadGraph(recorded, checkpointer, base);
	}
	if (!seen) throw noThread(threadId);
	if (graphId !== undefined) {
		const module = moduleInConfig(graphId);
		if (module !== undefined) return loadGraph(module, checkpointer, base);
		throw new UsageError(
			`thread "${threadId}" was run by a server as graph "${graphId}", and no weft.json here names that graph`,
			`pass --graph path/to/module.ts#export (the module weft dev or weft serve loaded as "${graphId}"), or run this in the folder of the server's weft.json`,
		);
	}
	throw new UsageError(
		`thread "${threadId}" does not record its graph module`,
		"pass --graph path/to/module.ts (the module that exports the compiled graph)",
	);
}

/**
 * Loads each `[name, module]` graph onto `checkpointer`, refusing a name given twice. `modules`: each
 * graph's module as loaded, `/absolute/path#export` (the export picked when the spec named none).
 */
export async function loadGraphs(
	refs: ReadonlyArray<readonly [name: string, module: string]>,
	checkpointer: Checkpointer,
): Promise<{
	graphs: Record<string, AnyGraph>;
	modules: Array<[name: string, module: string]>;
}> {
	const graphs: Record<string, AnyGraph> = {};
	const modules: Array<[string, string]> = [];
	for (const [name, module] of refs) {
		if (graphs[name] !== undefined)
			throw new UsageError(
				`two graphs are named "${name}"`,
				"give each graph its own name",
			);
		const loaded = await loadGraph(module, checkpointer);
		graphs[name] = loaded.graph;
		const [file, picked] = loaded.ref.split("#") as [string, string];
		modules.push([name, `${resolve(file)}#${picked}`]);
	}
	return { graphs, modules };
}

/**
 * The graphs of `weft.json` (`{ "graphs": { name: "./module.ts#export" } }`), paths relative to it. With
 * `checkFiles`, a module that is not there is refused here, naming weft.json and the graph.
 */
export function graphsOfConfig(
	file: string,
	checkFiles = true,
): [string, string][] {
	let parsed: unknown;
	try {
		parsed = readJsonFile(file);
	} catch (error) {
		throw new UsageError(
			`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
			'a weft.json holds { "graphs": { "name": "./src/graph.ts#graph" } }',
		);
	}
	const graphs = (parsed as { graphs?: unknown }).graphs;
	if (typeof graphs !== "object" || graphs === null)
		throw new UsageError(
			`${file} has no "graphs" object`,
			'add { "graphs": { "name": "./src/graph.ts#graph" } }',
		);
	return Object.entries(graphs).map(([name, ref]) => {
		if (typeof ref !== "string" || ref === "")
			throw new UsageError(
				`${file}: graph "${name}" must be a module path as a string, got ${JSON.stringify(ref)}`,
				`e.g. { "graphs": { "${name}": "./src/graph.ts#graph" } } (the path is relative to weft.json)`,
			);
		const spec = isAbsolute(ref) ? ref : resolve(dirname(file), ref);
		const module = spec.split("#")[0]!;
		if (checkFiles && !existsSync(module))
			throw new UsageError(
				`${file}: graph "${name}" names ${ref}, and there is no file at ${module}`,
				"paths in weft.json are relative to the weft.json file: give the path of a module that exports a compiled graph (./src/graph.ts#graph)",
			);
		return [name, spec];
	});
}

/** A JSON file's value (a byte order mark before it skipped: `readText`). */
export function readJsonFile(file: string): unknown {
	return JSON.parse(readText(file));
}

/**
 * The weft.json a server command reads: `--config`'s, else, with no `--graph` either, the working
 * directory's when there is one (as `langgraph dev` reads langgraph.json).
 */
export function configFile(
	config: string | undefined,
	graphSpecs: readonly string[],
): string | undefined {
	if (config !== undefined) return resolve(config);
	const here = join(process.cwd(), "weft.json");
	return graphSpecs.length === 0 && existsSync(here) ? here : undefined;
}

/** The module `./weft.json` (in the working directory) registers as `name`, if it exists and does. */
function moduleInConfig(name: string): string | undefined {
	const file = join(process.cwd(), "weft.json");
	if (!existsSync(file)) return undefined;
	// the other graphs' modules are not this command's business
	return graphsOfConfig(file, false).find(([n]) => n === name)?.[1];
}

/**
 * The name of the served graph (`[name, module]` refs, paths from the working directory) whose module is
 * the one recorded with a thread's runs (`weft run`, a path from `base`, the database's folder): its file,
 * and its export when both name one (another export of that file is another graph). Undefined when none is.
 */
export async function servedGraphOf(
	checkpointer: Checkpointer,
	threadId: string,
	served: ReadonlyArray<readonly [name: string, module: string]>,
	base: string,
): Promise<string | undefined> {
	for await (const s of readableSummaries(checkpointer, threadId))
		if (typeof s.metadata.graph === "string")
			return servedGraphOfModule(s.metadata.graph, served, base);
	return undefined;
}

/** The served graph whose module is `recorded` (a module#export from `base`), as `servedGraphOf` matches it. */
export function servedGraphOfModule(
	recorded: string,
	served: ReadonlyArray<readonly [name: string, module: string]>,
	base: string,
): string | undefined {
	const key = (ref: string, from: string) => {
		const [file, name] = ref.split("#") as [string, string | undefined];
		return { file: resolve(from, file), name };
	};
	const wanted = key(recorded, base);
	const same = served
		.map(([name, module]) => ({ id: name, ...key(module, process.cwd()) }))
		.filter((g) => g.file === wanted.file);
	const exact =
		wanted.name === undefined
			? undefined
			: same.find((g) => g.name === wanted.name);
	// another export of the same file is another graph
	const open = same.filter(
		(g) => g.name === undefined || wanted.name === undefined,
	);
	return (exact ?? (open.length === 1 ? open[0] : undefined))?.id;
}
