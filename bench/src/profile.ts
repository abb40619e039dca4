// Profiles one workload run and prints where the time goes (self time by function and by file).
//   node --import tsx bench/src/profile.ts <weft|langgraph> <w1…w5> [standard|quick] [json overrides] [--source]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

interface Node {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
	children?: number[];
}
interface Profile {
	nodes: Node[];
	samples: number[];
	timeDeltas: number[];
}

const argv = process.argv.slice(2);
const source = argv.includes("--source");
const [engine = "weft", workload = "w1", size = "quick", overrides = "{}"] =
	argv.filter((a) => a !== "--source");
const dir = mkdtempSync(join(tmpdir(), "bench-prof-"));
const root = join(import.meta.dirname, "../..");
const res = spawnSync(
	process.execPath,
	[
		"--expose-gc",
		"--cpu-prof",
		"--cpu-prof-dir",
		dir,
		"--import",
		"tsx",
		...(source ? ["--conditions", "@weft/source"] : []),
		join(import.meta.dirname, "run-workload.ts"),
		engine,
		workload,
		size,
		overrides,
	],
	{ cwd: root, encoding: "utf8" },
);
if (res.status !== 0) throw new Error(res.stderr);
const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))!;
const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;

// self time per node from the sample deltas
const self = new Map<number, number>();
for (const [i, id] of profile.samples.entries())
	self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
for (const n of profile.nodes) {
	const t = self.get(n.id) ?? 0;
	const url = n.callFrame.url.replace("file://", "");
	const where = url.includes("node_modules")
		? url.slice(url.lastIndexOf("node_modules/") + 13)
		: url.startsWith("/")
			? relative(root, url)
			: url || "(native)";
	const fn = `${n.callFrame.functionName || "(anonymous)"}  ${where}:${n.callFrame.lineNumber + 1}`;
	byFn.set(fn, (byFn.get(fn) ?? 0) + t);
	byFile.set(where, (byFile.get(where) ?? 0) + t);
}
// total (inclusive) time per function: each sample counts once for every distinct function on its stack
const parent = new Map<number, number>();
for (const n of profile.nodes)
	for (const c of n.children ?? []) parent.set(c, n.id);
const keyOf = new Map<number, string>();
for (const n of profile.nodes) {
	const url = n.callFrame.url.replace("file://", "");
	const where = url.includes("node_modules")
		? url.slice(url.lastIndexOf("node_modules/") + 13)
		: url.startsWith("/")
			? relative(root, url)
			: url || "(native)";
	keyOf.set(
		n.id,
		`${n.callFrame.functionName || "(anonymous)"}  ${where}:${n.callFrame.lineNumber + 1}`,
	);
}
const inclusive = new Map<string, number>();
for (const [i, id] of profile.samples.entries()) {
	const seen = new Set<string>();
	for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
		seen.add(keyOf.get(at)!);
	for (const k of seen)
		inclusive.set(k, (inclusive.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const top = (m: Map<string, number>, n: number) =>
	[...m.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, n)
		.map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`)
		.join("\n");
process.stdout.write(
	`${res.stdout.trim().slice(0, 400)}…\n\nprofile: ${join(dir, file)} (${(total / 1000).toFixed(0)} ms sampled)\n\nself time by function:\n${top(byFn, 25)}\n\nself time by file:\n${top(byFile, 15)}\n\ntotal time by function (self + callees):\n${top(inclusive, Number(process.env.PROFILE_TOP ?? 40))}\n`,
);
