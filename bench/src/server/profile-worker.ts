// Profiles the `weft worker` of `weft serve` + 1 worker under the server workload (16 clients, W3), during
// the measured seconds only: where the worker's CPU per run goes, by area and by function.
//   WEFT_TEST_DB_PREFIX=… node --import tsx bench/src/server/profile-worker.ts [--seconds 8]
import { existsSync, readFileSync } from "node:fs";
import type { Profiler } from "node:inspector";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { printProfile } from "../profile-summary.ts";
import { load } from "./load.ts";
import { areas } from "./profile-areas.ts";
import { treeCpu, weftServe } from "./targets.ts";

const { values } = parseArgs({
	options: {
		seconds: { type: "string", default: "8" },
		top: { type: "string", default: "30" },
	},
});
const here = import.meta.dirname;
const out = join(tmpdir(), `weft-worker-%p.cpuprofile`);
const target = await weftServe({
	workers: 1,
	concurrency: 16,
	dbPrefix: process.env.WEFT_TEST_DB_PREFIX ?? "bench",
	env: {
		WEFT_PROFILE_OUT: out,
		NODE_OPTIONS: `--import tsx --import ${join(here, "profile-preload.ts")}`,
	},
});
try {
	await load(target.url, 16, 0, 3, 2);
	const worker = target.workers![0]!;
	const pid = worker.child.pid!;
	worker.child.kill("SIGUSR2");
	await new Promise((r) => setTimeout(r, 200));
	const cpu0 = treeCpu(pid);
	const r = await load(target.url, 16, Number(values.seconds), 3);
	const cpu = treeCpu(pid) - cpu0;
	worker.child.kill("SIGUSR2");
	for (
		let i = 0;
		i < 100 && !/weft profile: written/.test(worker.output());
		i++
	)
		await new Promise((done) => setTimeout(done, 100));
	console.log(
		`${r.runs} runs, ${r.runs_per_s} runs/s, worker CPU ${((cpu * 1000) / r.runs).toFixed(2)} ms per run (profiled)`,
	);
	const file = out.replace("%p", String(pid));
	if (existsSync(file)) {
		const profile = JSON.parse(readFileSync(file, "utf8")) as Profiler.Profile;
		for (const [k, v] of areas(profile))
			console.log(`${v.toFixed(1).padStart(5)} % ${k}`);
		printProfile(profile, Number(values.top));
		console.log(`profile: ${file}`);
	}
} finally {
	await target.stop();
}
