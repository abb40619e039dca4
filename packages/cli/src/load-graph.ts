import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Checkpointer } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import { noThread, UsageError } from "./cli-error.ts";

type AnyGraph = CompiledGraph<any, any>;

const isGraph = (v: unknown): v is AnyGraph =>
	typeof v === "object" &&
	v !== null &&
	typeof (v as AnyGraph).withCheckpointer === "function" &&
	typeof (v as AnyGraph).getState === "function";

let tsxRegistered = false;

/**
 * Imports a module that exports a compiled graph (`path` or `path#exportName`; default: the default
 * export, else `graph`, else the only graph exported) and binds it to the CLI's store.
 * Returns the graph and a canonical reference recorded with the run, so later commands find it.
 */
export async function loadGraph(
	ref: string,
	checkpointer: Checkpointer,
): Promise<{ graph: AnyGraph; ref: string }> {
	const [file, name] = ref.split("#") as [string, string | undefined];
	const path = isAbsolute(file) ? file : resolve(process.cwd(), file);
	if (
		/\.[mc]?tsx?$/.test(path) &&
		!tsxRegistered &&
		!process.execArgv.some((a) => a.includes("tsx"))
	) {
		const { register } = await import("tsx/esm/api");
		register();
		tsxRegistered = true;
	}
	let module: Record<string, unknown>;
	try {
		module = (await import(pathToFileURL(path).href)) as Record<
			string,
			unknown
		>;
	} catch (error) {
		throw new UsageError(
			`cannot import ${path}: ${error instanceof Error ? error.message : String(error)}`,
			"check the path of the graph module",
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
	return {
		graph: picked[1].withCheckpointer(checkpointer),
		ref: `${path}#${picked[0]}`,
	};
}

/**
 * The graph module a thread was run with (recorded by the CLI in checkpoint metadata), or the one given
 * with --graph.
 */
export async function graphOfThread(
	checkpointer: Checkpointer,
	threadId: string,
	explicit: string | undefined,
): Promise<{ graph: AnyGraph; ref: string }> {
	if (explicit !== undefined) return loadGraph(explicit, checkpointer);
	let seen = false;
	for await (const s of checkpointer.list({ threadId })) {
		seen = true;
		if (typeof s.metadata.graph === "string")
			return loadGraph(s.metadata.graph, checkpointer);
	}
	if (!seen) throw noThread(threadId);
	throw new UsageError(
		`thread "${threadId}" does not record its graph module`,
		"pass --graph path/to/module.ts (the module that exports the compiled graph)",
	);
}
