import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { Checkpointer } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import { noThread, UsageError } from "./cli-error.ts";

export type AnyGraph = CompiledGraph<any, any>;

const isGraph = (v: unknown): v is AnyGraph =>
	typeof v === "object" &&
	v !== null &&
	typeof (v as AnyGraph).withCheckpointer === "function" &&
	typeof (v as AnyGraph).getState === "function";

let tsxRegistered = false;

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
	await registerTsx(path);
	let module: Record<string, unknown>;
	try {
		module = (await import(pathToFileURL(path).href)) as Record<
			string,
			unknown
		>;
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new UsageError(
			`cannot import ${path}: ${message}`,
			/Cannot find (package|module) '@weft\//.test(message)
				? "the module's folder cannot see Weft's packages: start a project with `weft init <dir>` (see docs/getting-started.md)"
				: "fix the error in the module, or give another one (--debug prints where it failed)",
			error,
		);
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

async function registerTsx(path: string): Promise<void> {
	if (
		!/\.[mc]?tsx?$/.test(path) ||
		tsxRegistered ||
		process.execArgv.some((a) => a.includes("tsx"))
	)
		return;
	const { register } = await import("tsx/esm/api");
	register();
	tsxRegistered = true;
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
	if (explicit !== undefined)
		return loadGraph(resolve(explicit), checkpointer, base);
	let seen = false;
	let graphId: string | undefined;
	for await (const s of checkpointer.list({ threadId })) {
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

/** Loads each `[name, module]` graph onto `checkpointer`, refusing a name given twice. */
export async function loadGraphs(
	refs: ReadonlyArray<readonly [name: string, module: string]>,
	checkpointer: Checkpointer,
): Promise<Record<string, AnyGraph>> {
	const graphs: Record<string, AnyGraph> = {};
	for (const [name, module] of refs) {
		if (graphs[name] !== undefined)
			throw new UsageError(
				`two graphs are named "${name}"`,
				"give each graph its own name",
			);
		graphs[name] = (await loadGraph(module, checkpointer)).graph;
	}
	return graphs;
}

/** The graphs of `weft.json` (`{ "graphs": { name: "./module.ts#export" } }`), paths relative to it. */
export function graphsOfConfig(file: string): [string, string][] {
	let parsed: unknown;
	try {
		parsed = JSON.parse(readFileSync(file, "utf8"));
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
		const spec = String(ref);
		return [name, isAbsolute(spec) ? spec : resolve(dirname(file), spec)];
	});
}

/** The module `./weft.json` (in the working directory) registers as `name`, if it exists and does. */
function moduleInConfig(name: string): string | undefined {
	const file = join(process.cwd(), "weft.json");
	if (!existsSync(file)) return undefined;
	return graphsOfConfig(file).find(([n]) => n === name)?.[1];
}
