// Compares two `node --cpu-prof` profiles of t1-profile.ts (say "on" and "context") by file and by
// function: self time per run in each, and the difference, largest first.
//   node --import tsx bench/src/weft/t1-profile-diff.ts a.cpuprofile b.cpuprofile [runs] [top]
import { readFileSync } from "node:fs";
import type { Profiler } from "node:inspector";

const [aPath, bPath, runsArg = "200", topArg = "30"] = process.argv.slice(2);
if (aPath === undefined || bPath === undefined)
	throw new Error(
		"usage: t1-profile-diff.ts a.cpuprofile b.cpuprofile [runs] [top]",
	);
const runs = Number(runsArg);

function selfTimes(path: string) {
	const p = JSON.parse(readFileSync(path, "utf8")) as Profiler.Profile;
	const byId = new Map(p.nodes.map((n) => [n.id, n]));
	const byFile = new Map<string, number>();
	const byFn = new Map<string, number>();
	/** Inclusive time by function: each sample counted once for every function on its stack. */
	const inclusive = new Map<string, number>();
	const parent = new Map<number, number>();
	for (const n of p.nodes)
		for (const c of n.children ?? []) parent.set(c, n.id);
	const fnName = (id: number) => {
		const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
		const file =
			url
				.replace(/.*\/(packages|node_modules)\//, "$1/")
				.replace(/^.*\.pnpm\/[^/]+\/node_modules\//, "") || "(native)";
		return `${functionName || "(anon)"} ${file}:${lineNumber + 1}`;
	};
	const samples = p.samples ?? [];
	const deltas = p.timeDeltas ?? [];
	for (let i = 0; i < samples.length; i++) {
		const { functionName, url, lineNumber } = byId.get(samples[i]!)!.callFrame;
		const file =
			url
				.replace(/.*\/(packages|node_modules)\//, "$1/")
				.replace(/^.*\.pnpm\/[^/]+\/node_modules\//, "") || "(native)";
		const dt = deltas[i + 1] ?? deltas[i] ?? 0;
		byFile.set(file, (byFile.get(file) ?? 0) + dt);
		const fn = `${functionName || "(anon)"} ${file}:${lineNumber + 1}`;
		byFn.set(fn, (byFn.get(fn) ?? 0) + dt);
		const seen = new Set<string>();
		for (
			let x: number | undefined = samples[i];
			x !== undefined;
			x = parent.get(x)
		) {
			const k = fnName(x);
			if (seen.has(k)) continue;
			seen.add(k);
			inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
		}
	}
	return { byFile, byFn, inclusive };
}

const a = selfTimes(aPath!);
const b = selfTimes(bPath!);
const show = (
	x: Map<string, number>,
	y: Map<string, number>,
	title: string,
) => {
	const keys = new Set([...x.keys(), ...y.keys()]);
	const rows = [...keys]
		.map((k) => ({ k, a: (x.get(k) ?? 0) / runs, b: (y.get(k) ?? 0) / runs }))
		.sort((r, s) => s.a - s.b - (r.a - r.b))
		.slice(0, Number(topArg));
	console.log(`${title} (µs self per run: a, b, a − b)`);
	for (const r of rows)
		console.log(
			`${r.a.toFixed(0).padStart(7)} ${r.b.toFixed(0).padStart(7)} ${(r.a - r.b).toFixed(0).padStart(7)}  ${r.k}`,
		);
	const sum = (m: Map<string, number>) =>
		[...m.values()].reduce((s, v) => s + v, 0) / runs;
	console.log(
		`total ${sum(x).toFixed(0)} ${sum(y).toFixed(0)} ${(sum(x) - sum(y)).toFixed(0)}\n`,
	);
};
show(a.byFile, b.byFile, "by file");
show(a.byFn, b.byFn, "by function");
show(a.inclusive, b.inclusive, "by function, inclusive");
