// Sorts a CPU profile's samples of the API process into areas (HTTP, validation, SSE, records, checkpoints,
// the graph's steps, …): each sample goes to the nearest frame on its stack that names an area.
//   node --import tsx bench/src/server/profile-areas.ts <file.cpuprofile>
import { readFileSync } from "node:fs";
import type { Profiler } from "node:inspector";

const AREAS: [string, RegExp][] = [
	[
		"run/thread records (write-behind)",
		/packages\/server\/(src|dist)\/(records\/|retry|thread-registry)/,
	],
	["run event log", /packages\/server\/(src|dist)\/run-events/],
	[
		"wire values (toWire/fromWire)",
		/packages\/server\/(src|dist)\/wire-values/,
	],
	["SSE (hono streaming)", /hono\/dist\/(helper\/streaming|utils\/stream)/],
	["zod", /node_modules\/zod\//],
	["checkpointer (SQLite)", /packages\/checkpoint-sqlite\//],
	["checkpoint serializer/checks", /packages\/checkpoint\//],
	["graph: messages reducer", /packages\/graph\/(src|dist)\/llm\//],
	["graph runtime", /packages\/graph\//],
	[
		"graph's nodes (scripted model, tools, @langchain/core)",
		/bench\/src\/(server\/weft-graph|llm)|@langchain|langsmith/,
	],
	["server routes/runs", /packages\/server\//],
	["hono", /node_modules\/hono\//],
	["@hono/node-server", /@hono\/node-server/],
	["node http/net/streams", /^node:/],
	["cli / other js", /./],
];

export function areas(profile: Profiler.Profile): [string, number][] {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes)
		for (const c of n.children ?? []) parent.set(c, n.id);
	const memo = new Map<number, string>();
	const areaOf = (id: number): string => {
		const known = memo.get(id);
		if (known !== undefined) return known;
		const { functionName, url } = byId.get(id)!.callFrame;
		let area: string | undefined;
		if (functionName === "(garbage collector)") area = "GC";
		else if (functionName === "(idle)") area = "(idle)";
		else if (functionName === "(program)")
			area = "(program: native, unattributed)";
		else if (url !== "" && !url.includes("better-sqlite3"))
			area = AREAS.find(([, re]) => re.test(url))?.[0];
		const p = parent.get(id);
		area ??= p === undefined ? "(root)" : areaOf(p);
		memo.set(id, area);
		return area;
	};
	const counts = new Map<string, number>();
	for (const id of profile.samples ?? [])
		counts.set(areaOf(id), (counts.get(areaOf(id)) ?? 0) + 1);
	const total = profile.samples?.length ?? 1;
	return [...counts]
		.sort((a, b) => b[1] - a[1])
		.map(([k, v]) => [k, (100 * v) / total]);
}

if (process.argv[1]?.endsWith("profile-areas.ts")) {
	const profile = JSON.parse(
		readFileSync(process.argv[2]!, "utf8"),
	) as Profiler.Profile;
	for (const [k, v] of areas(profile))
		console.log(`${v.toFixed(1).padStart(5)} % ${k}`);
}
