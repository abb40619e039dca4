import { resolve } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { type CompiledGraph, type RunConfig, WeftError } from "@weft/graph";
import { readableSummaries } from "../readable-list.ts";
import { runConfig, threadRunConfig } from "../thread-config.ts";

type AnyGraph = CompiledGraph<any, any>;

/** A graph `weft mcp` serves: its tool name, the graph, and its module as runs record it (`weft run`'s). */
export interface ServedGraph {
	name: string;
	graph: AnyGraph;
	ref: string;
}

/** What a tool call runs with: the run config, and the check that the thread is this graph's. */
export interface ThreadRecords {
	/** The run config of a call: it records the graph module, as `weft run` does (decision 0218). */
	config(
		name: string,
		threadId: string,
		resuming: boolean,
	): Promise<Pick<RunConfig, "threadId" | "context" | "metadata">>;
	/** Refuses (CONFIG_INVALID) going on with a thread whose runs record another graph module. */
	check(name: string, threadId: string): Promise<void>;
	/** Whether the store has the thread (a run refused before it saved anything made none). */
	exists(threadId: string): Promise<boolean>;
}

/** A module ref (`file#export`, the file relative to `base`) as an absolute file and its export. */
function refKey(ref: string, base: string): { file: string; name?: string } {
	const [file, name] = ref.split("#") as [string, string | undefined];
	return { file: resolve(base, file), ...(name === undefined ? {} : { name }) };
}

/** The graph module the thread's newest run recorded (undefined: none did, e.g. an older MCP thread). */
export async function recordedGraph(
	checkpointer: Checkpointer,
	threadId: string,
): Promise<string | undefined> {
	for await (const s of readableSummaries(checkpointer, threadId))
		if (typeof s.metadata.graph === "string") return s.metadata.graph;
	return undefined;
}

/** Whether a recorded module is the served graph's: its file, and its export when the record names one. */
function isRef(recorded: string, ref: string, base: string): boolean {
	const a = refKey(recorded, base);
	const b = refKey(ref, base);
	return a.file === b.file && (a.name === undefined || a.name === b.name);
}

/**
 * The records of the served graphs' threads on `checkpointer`; module refs are relative to `base` (the
 * SQLite file's folder), as `weft run` records them, so `weft show`, `weft approve` find the module.
 */
export function threadRecords(
	checkpointer: Checkpointer,
	served: readonly ServedGraph[],
	base: string,
): ThreadRecords {
	const refOf = (name: string) => served.find((g) => g.name === name)!.ref;
	return {
		config: (name, threadId, resuming) =>
			resuming
				? threadRunConfig(checkpointer, threadId, refOf(name), undefined)
				: Promise.resolve(runConfig(threadId, refOf(name), undefined)),
		exists: async (threadId) =>
			(await checkpointer.getThread(threadId)) !== undefined,
		async check(name, threadId) {
			const recorded = await recordedGraph(checkpointer, threadId);
			// a thread no run recorded a module for (started over MCP before decision 0218, or by a server)
			// goes on as before
			if (recorded === undefined || isRef(recorded, refOf(name), base)) return;
			const owner = served.find((g) => isRef(recorded, g.ref, base));
			throw new WeftError(
				"CONFIG_INVALID",
				owner === undefined
					? `thread ${threadId} belongs to the graph module ${recorded}, not to graph "${name}": this server serves no tool for it`
					: `thread ${threadId} belongs to graph "${owner.name}", not to graph "${name}"`,
				{
					hint:
						owner === undefined
							? `go on with it outside MCP (\`weft approve ${threadId}\`, \`weft continue ${threadId}\`), or serve its module; call ${name} to start a new run of "${name}"`
							: `call ${owner.name}_resume with { "threadId": "${threadId}", … }: nothing ran`,
				},
			);
		},
	};
}
