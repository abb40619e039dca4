// Where an inspector CPU profile's samples fall: self and inclusive shares by function, for the
// in-process profile scripts (profile-step.ts, profile-read.ts, profile-w5.ts).
import type { Profiler } from "node:inspector";

/** Prints the `top` functions by self time and by inclusive time (self + callees), in % of samples. */
export function printProfile(profile: Profiler.Profile, top = 40): void {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes)
		for (const c of n.children ?? []) parent.set(c, n.id);
	const name = (id: number) => {
		const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
		return `${functionName || "(anon)"} ${url.replace(/.*\/(packages|node_modules)\//, "$1/")}:${lineNumber + 1}`;
	};
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
