// A kill by the test at a random moment of a worker's life (the worker's own kills at a chosen write are
// in kill-points.ts).
import { readJournal } from "./journal.ts";
import type { ChildRun } from "./spawn-worker.ts";
import { sleep } from "./tally.ts";

/**
 * Kills `child` at a random point: with probability `early` within `earlyMs` of its release (while it
 * opens the thread or waits for a dead runner's lease), otherwise within `withinMs` after it first entered
 * node code (its first journal line). Returns the call that stops the kill (the child ended first).
 */
export function killAtRandom(
	child: ChildRun<unknown>,
	journal: string,
	{
		early,
		earlyMs,
		withinMs,
	}: { early: number; earlyMs: number; withinMs: number },
): () => void {
	let stopped = false;
	const kill = () => {
		if (!stopped) child.process.kill("SIGKILL");
	};
	if (Math.random() < early) {
		const timer = setTimeout(kill, Math.random() * earlyMs);
		return () => {
			stopped = true;
			clearTimeout(timer);
		};
	}
	const pid = child.process.pid;
	void (async () => {
		while (!stopped && !readJournal(journal).some((l) => l.pid === pid))
			await sleep(10);
		await sleep(Math.random() * withinMs);
		kill();
	})();
	return () => {
		stopped = true;
	};
}
