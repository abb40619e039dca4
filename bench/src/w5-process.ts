// W5 across processes (both engines): pause a thread on a SQLite file here, answer it from a new `node`
// process started with this process's flags, and time the child (spawn to exit, and its own resume).
import { spawnSync } from "node:child_process";
import { check, now } from "./measure.ts";
import { median, round } from "./stats.ts";

export async function resumeInNewProcesses(
	child: string,
	path: string,
	runs: number,
	pause: (threadId: string) => Promise<void>,
) {
	const spawned: number[] = [];
	const resumed: number[] = [];
	const imported: number[] = [];
	for (let i = 0; i < runs; i++) {
		const threadId = `np-${i}`;
		await pause(threadId);
		const t0 = now();
		const res = spawnSync(
			process.execPath,
			[...process.execArgv, child, path, threadId],
			{ encoding: "utf8" },
		);
		spawned.push(now() - t0);
		check(
			res.status === 0,
			`resume process exited ${res.status}: ${res.stderr}`,
		);
		const out = JSON.parse(res.stdout.trim().split("\n").pop()!) as {
			import_ms: number;
			resume_ms: number;
			result: string;
		};
		check(
			out.result === `draft for req-${threadId} [ok-${threadId}]`,
			`new-process result ${out.result}`,
		);
		resumed.push(out.resume_ms);
		imported.push(out.import_ms);
	}
	return {
		process_ms: round(median(spawned), 2),
		import_ms: round(median(imported), 2),
		resume_ms: round(median(resumed), 3),
	};
}
