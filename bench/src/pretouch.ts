// Brings this process's young generation to the size a long-running process has, before a workload runs.
// V8 starts a process with a 1 MB semi-space and doubles it (up to 16 MB) as objects survive scavenges;
// every page it grows into is touched for the first time, and on this machine kind a first touch is a
// host-side page fault (12–26 µs, docs/benchmarks.md, "Page faults"). Without this, a workload's timed
// section pays for whichever growth steps land in it: a one-off of the process, not of the engine being
// measured. Run the same way for both engines (bench/src/run-workload.ts); decision 0045.
import { gc } from "./measure.ts";

/**
 * Objects that each survive about one scavenge (a ring of 20,000, overwritten in turn) until V8 has grown
 * the young generation to its largest size, then short-lived garbage so both semi-spaces have been
 * written. The ring's objects die young, so the old generation barely grows (≈ 1.5 MB): the figures of
 * memory (peak RSS, heap) are not inflated beyond the young generation a long-running process has.
 */
export function pretouchYoungGeneration(): void {
	const ring: Array<{ i: number; a: number[] } | null> = new Array(20_000).fill(
		null,
	);
	for (let i = 0; i < 4_000_000; i++) ring[i % ring.length] = { i, a: [i, i] };
	ring.fill(null);
	let last: number[] = [];
	for (let i = 0; i < 300_000; i++) last = new Array(24).fill(i);
	if (last.length !== 24) throw new Error("unreachable");
	gc();
}
