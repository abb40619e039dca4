// Runs a fuzz suite's numbered cases in runner processes (case-runner.ts) with a watchdog: a case that
// blocks the runner's event loop (a hang the runner can't time out itself) or kills it is recorded as
// "hang" or "crash", and a new runner goes on from the next case.
import { createInterface } from "node:readline";
import type { CaseLine, RunnerJob } from "./case-runner.ts";
import { spawnScript } from "./spawn-worker.ts";

export interface CaseReport {
	results: CaseLine[];
	restarts: number;
}

export async function runCases(
	job: Omit<RunnerJob, "from">,
	options: { stallMs: number; maxRestarts: number },
): Promise<CaseReport> {
	const results: CaseLine[] = [];
	let from = 0;
	let restarts = 0;
	while (from < job.to && restarts <= options.maxRestarts) {
		const child = spawnScript<unknown>("case-runner", [
			JSON.stringify({ ...job, from }),
		]);
		let current = from;
		let watchdog: ReturnType<typeof setTimeout> | undefined;
		const arm = () => {
			clearTimeout(watchdog);
			watchdog = setTimeout(
				() => child.process.kill("SIGKILL"),
				options.stallMs,
			);
		};
		arm();
		const lines = createInterface({ input: child.process.stdout! });
		let ended = false;
		let started = false;
		lines.on("line", (text) => {
			arm();
			const line = JSON.parse(text) as {
				start?: number;
				end?: boolean;
			} & Partial<CaseLine>;
			if (line.start !== undefined) {
				current = line.start;
				started = true;
			}
			if (line.result !== undefined) {
				results.push({ i: line.i!, result: line.result });
				current = line.i! + 1;
			}
			if (line.end === true) ended = true;
		});
		let exit: string;
		try {
			await child.done;
			exit = "crash: exit 0 before the end";
		} catch (error) {
			exit = `crash: ${String(error).slice(0, 300)}`;
		}
		clearTimeout(watchdog);
		if (ended) break;
		if (!started) {
			// the runner died before its first case: no point in starting another
			results.push({
				i: from,
				result: `runner failed before its first case: ${exit}`,
			});
			break;
		}
		// the case that was running when the runner stopped: killed by the watchdog, or crashed
		const killed = child.process.signalCode === "SIGKILL";
		results.push({ i: current, result: killed ? "hang" : exit });
		from = current + 1;
		restarts++;
	}
	return { results, restarts };
}

/** Failures: anything but "ok" and typed errors. */
export function failures(results: CaseLine[]): CaseLine[] {
	return results.filter(
		(r) => r.result !== "ok" && !r.result.startsWith("typed:"),
	);
}
