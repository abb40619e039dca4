// Brings a workload process's memory to the state a long-running process is in, before the workload loads.
// Run the same way for both engines (bench/src/run-workload.ts); not for W6, which measures fresh processes.
// On this machine kind a page a process touches for the first time, or again after giving it back, costs a
// host-side fault of 12–35 µs (docs/benchmarks.md, "Page faults"): one-offs of a fresh process that would
// otherwise land in whichever timed section is running.
//
// - V8 starts a process with a 1 MB semi-space and doubles it (up to 16 MB) as objects survive scavenges;
//   growing it is ≈ 13,500 first touches (decision 0045).
// - glibc gives the free top of a heap back to the kernel once it exceeds its trim threshold (128 KB), and
//   does so until the process frees its first memory-mapped block (any block over 128 KB: a large Buffer, a
//   file read, a request body); it then raises both thresholds to that block's size and twice it. V8's
//   optimizing compiler takes its working memory with malloc on its worker threads and frees it after each
//   function, so in a fresh process every compile job touches new pages and optimized code arrives later:
//   in a W1 process the workers took ≈ 7,000 faults, ≈ 2,700 after one large free (decision 0048).
import { gc } from "./measure.ts";

/** Both preparations, then a full GC. */
export function pretouchProcess(): void {
	freeOneLargeBlock();
	pretouchYoungGeneration();
	gc();
}

/**
 * Allocates and drops one 16 MB buffer: Node zero-allocates it with calloc, which maps it (only its first
 * page is touched); freed by the next full GC, it raises glibc's thresholds to 16 and 32 MB.
 */
function freeOneLargeBlock(): void {
	new Uint8Array(16 << 20)[0] = 1;
	gc();
}

/**
 * Objects that each survive about one scavenge (a ring of 20,000, overwritten in turn) until V8 has grown
 * the young generation to its largest size, then short-lived garbage so both semi-spaces have been
 * written. The ring's objects die young, so the old generation barely grows (≈ 1.5 MB): the figures of
 * memory (peak RSS, heap) are not inflated beyond the young generation a long-running process has.
 */
function pretouchYoungGeneration(): void {
	const ring: Array<{ i: number; a: number[] } | null> = new Array(20_000).fill(
		null,
	);
	for (let i = 0; i < 4_000_000; i++) ring[i % ring.length] = { i, a: [i, i] };
	ring.fill(null);
	let last: number[] = [];
	for (let i = 0; i < 300_000; i++) last = new Array(24).fill(i);
	if (last.length !== 24) throw new Error("unreachable");
}
