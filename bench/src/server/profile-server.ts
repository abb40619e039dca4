// Profiles `weft dev` under the server workload's load (16 clients, W3 with 3 tool turns), only during the
// measured seconds: where the API process's CPU per run goes, by area and by function.
//   node --import tsx bench/src/server/profile-server.ts [--seconds 8] [--clients 16] [--out file]
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Profiler } from "node:inspector";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startProcess } from "../../../packages/server/test/fixtures/processes.ts";
import { printProfile } from "../profile-summary.ts";
import { GRAPH, load } from "./load.ts";
import { treeCpu } from "./targets.ts";

const { values } = parseArgs({
	options: {
		seconds: { type: "string", default: "8" },
		clients: { type: "string", default: "16" },
		turns: { type: "string", default: "3" },
		out: { type: "string" },
		top: { type: "string", default: "40" },
		dist: { type: "boolean", default: false },
		// only the CPU per run (no profiler): for A/B runs against another worktree
		"no-profile": { type: "boolean", default: false },
	},
});
const here = import.meta.dirname;
const dir = mkdtempSync(join(tmpdir(), "weft-profile-dev-"));
const out = values.out ?? join(tmpdir(), `weft-dev-${process.pid}.cpuprofile`);
// from dist (`--dist`: the built packages, readable names in the profile) or from source as the bench runs it
const p = await startProcess(
	[
		"--db",
		join(dir, "weft.db"),
		"dev",
		"--graph",
		`${GRAPH}=${join(here, "weft-graph.ts")}#w3`,
		"--port",
		"0",
	],
	/listening on (http:\/\/[^\s]+)/,
	values["no-profile"] === true
		? {}
		: {
				WEFT_PROFILE_OUT: out,
				NODE_OPTIONS: `--import tsx --import ${join(here, "profile-preload.ts")}`,
			},
	values.dist === true
		? { main: join(here, "../../../packages/cli/dist/main.js"), source: false }
		: { main: join(here, "../../../packages/cli/src/main.ts"), source: true },
);
const url = p.match[1]!;
const clients = Number(values.clients);
const turns = Number(values.turns);
try {
	await load(url, clients, 0, turns, 2);
	const pid = p.child.pid!;
	const profiling = values["no-profile"] !== true;
	if (profiling) p.child.kill("SIGUSR2");
	await new Promise((r) => setTimeout(r, 200));
	const cpu0 = treeCpu(pid);
	const r = await load(url, clients, Number(values.seconds), turns);
	const cpu = treeCpu(pid) - cpu0;
	if (profiling) p.child.kill("SIGUSR2");
	for (
		let i = 0;
		profiling && i < 100 && !/weft profile: written/.test(p.output());
		i++
	)
		await new Promise((r) => setTimeout(r, 100));
	console.log(
		`${r.runs} runs, ${r.runs_per_s} runs/s, failed ${r.failed_runs}, api CPU ${((cpu * 1000) / r.runs).toFixed(2)} ms per run${profiling ? " (profiled)" : ""}`,
	);
	if (profiling && existsSync(out)) {
		const profile = JSON.parse(readFileSync(out, "utf8")) as Profiler.Profile;
		printProfile(profile, Number(values.top));
		console.log(`profile: ${out}`);
	}
} finally {
	await p.stop();
	rmSync(dir, { recursive: true, force: true });
}
