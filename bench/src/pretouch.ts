// Brings this process's young generation to the size a long-running process has, before a workload runs.
// V8 starts a process with a 1 MB semi-space and doubles it (up to 16 MB) as objects survive scavenges;
// every page it grows into is touched for the first time, and on this machine kind a first touch is a
// host-side page fault (12–26 µs, docs/benchmarks.md, "Page faults"). Without this, a workload's timed
// section pays for whichever growth steps land in it: a one-off of the process, not of the engine being
// measured. Run the same way for both engines (bench/src/run-workload.ts); decision 0045.
import { gc } from "./measure.ts";

/** Objects that survive a few scavenges, then garbage: the semi-spaces grow to their largest and are touched. */
export function pretouchYoungGeneration(): void {
	let live: Array<{ i: number; a: number[] }> = [];
	for (let i = 0; i < 600_000; i++) {
		const o = { i, a: [i, i] };
		if ((i & 1) === 1) live.push(o);
		if (live.length >= 40_000) live = [];
	}
	// short-lived garbage, twice the largest young generation, so both semi-spaces have been written
	let last: number[] = [];
	for (let i = 0; i < 300_000; i++) last = new Array(24).fill(i);
	if (last.length !== 24) throw new Error("unreachable");
	gc();
}
