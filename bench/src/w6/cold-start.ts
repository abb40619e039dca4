// W6 start-up: whole `node` processes timed from spawn to exit, and instrumented imports in fresh processes.
import { execFileSync, spawnSync } from "node:child_process";
import { median, round } from "../stats.ts";

export interface Case {
	args: string[];
	cwd: string;
}

/** Times each case as a whole process: `warmup` rounds, then `rounds` rounds, cases interleaved per round. */
export function coldStarts(
	cases: Record<string, Case>,
	warmup: number,
	rounds: number,
): Record<string, number> {
	const times: Record<string, number[]> = Object.fromEntries(
		Object.keys(cases).map((k) => [k, []]),
	);
	for (let r = 0; r < warmup + rounds; r++) {
		for (const [name, { args, cwd }] of Object.entries(cases)) {
			const t0 = performance.now();
			const res = spawnSync(process.execPath, args, {
				cwd,
				stdio: ["ignore", "ignore", "pipe"],
			});
			const ms = performance.now() - t0;
			if (res.status !== 0)
				throw new Error(`cold start "${name}" failed: ${res.stderr}`);
			if (r >= warmup) times[name]!.push(ms);
		}
	}
	return Object.fromEntries(
		Object.entries(times).map(([k, v]) => [k, round(median(v), 1)]),
	);
}

/** In a fresh process: ms inside `import()` of the modules, ms from process start to ready, and peak RSS. */
export function instrumentedImport(
	specifiers: string[],
	cwd: string,
	runs: number,
) {
	const code = `const t0 = performance.now();
${specifiers.map((s) => `await import(${JSON.stringify(s)});`).join("\n")}
const t1 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, readyMs: t1, maxRssKib: process.resourceUsage().maxRSS }));`;
	const samples = Array.from(
		{ length: runs },
		() =>
			JSON.parse(
				execFileSync(process.execPath, ["--input-type=module", "-e", code], {
					cwd,
					encoding: "utf8",
				}),
			) as {
				importMs: number;
				readyMs: number;
				maxRssKib: number;
			},
	);
	return {
		import_ms: round(median(samples.map((s) => s.importMs)), 1),
		ready_since_start_ms: round(median(samples.map((s) => s.readyMs)), 1),
		peak_rss_mb: round(median(samples.map((s) => s.maxRssKib)) / 1024, 1),
	};
}
