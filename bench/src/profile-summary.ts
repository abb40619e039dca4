// Where an inspector CPU profile's samples fall (self and inclusive shares by function), and where a run
// allocates (the sampling heap profiler), for the in-process profile scripts.
import type { Profiler } from "node:inspector";
import { Session } from "node:inspector/promises";

/** A profile frame as the summaries name it: function, path from packages/ or node_modules/, line. */
function frameName(frame: {
	functionName: string;
	url: string;
	lineNumber: number;
}): string {
	return `${frame.functionName || "(anon)"} ${frame.url.replace(/.*\/(packages|node_modules)\//, "$1/")}:${frame.lineNumber + 1}`;
}

/** Prints the `top` functions by self time and by inclusive time (self + callees), in % of samples. */
export function printProfile(profile: Profiler.Profile, top = 40): void {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes)
		for (const c of n.children ?? []) parent.set(c, n.id);
	const name = (id: number) => frameName(byId.get(id)!.callFrame);
	const self = new Map<string, number>();
	const incl = new Map<string, number>();
	for (const id of profile.samples ?? []) {
		self.set(name(id), (self.get(name(id)) ?? 0) + 1);
		const seen = new Set<string>();
		for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
			const key = name(x);
			if (seen.has(key)) continue;
			seen.add(key);
			incl.set(key, (incl.get(key) ?? 0) + 1);
		}
	}
	const total = profile.samples?.length ?? 1;
	const rows = (m: Map<string, number>) =>
		[...m]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([key, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} ${key}`)
			.join("\n");
	console.log(`self:\n${rows(self)}\n\ninclusive:\n${rows(incl)}`);
}

interface HeapNode {
	callFrame: { functionName: string; url: string; lineNumber: number };
	selfSize: number;
	children: HeapNode[];
}

/**
 * Bytes allocated (collected objects included) while `runs` calls of `once` run, in total and by function:
 * self, and inclusive (self + callees).
 */
export async function allocations(
	runs: number,
	once: (i: number) => Promise<unknown>,
): Promise<{
	total: number;
	self: Map<string, number>;
	inclusive: Map<string, number>;
}> {
	const s = new Session();
	s.connect();
	await s.post("HeapProfiler.enable");
	await s.post("HeapProfiler.startSampling", {
		samplingInterval: 256,
		includeObjectsCollectedByMajorGC: true,
		includeObjectsCollectedByMinorGC: true,
	});
	for (let i = 0; i < runs; i++) await once(i);
	const { profile } = await s.post("HeapProfiler.stopSampling");
	s.disconnect();
	const self = new Map<string, number>();
	const inclusive = new Map<string, number>();
	let total = 0;
	const walk = (node: HeapNode, stack: ReadonlySet<string>) => {
		const name = frameName(node.callFrame);
		total += node.selfSize;
		self.set(name, (self.get(name) ?? 0) + node.selfSize);
		const inner = stack.has(name) ? stack : new Set([...stack, name]);
		for (const k of inner)
			inclusive.set(k, (inclusive.get(k) ?? 0) + node.selfSize);
		for (const c of node.children) walk(c, inner);
	};
	walk(profile.head as HeapNode, new Set());
	return { total, self, inclusive };
}
