// What every workload uses to time, check and sample memory.
import type { Sizes } from "./sizes.ts";

/** A monotonic clock in milliseconds. */
export const now = (): number => performance.now();

/** A full GC where node runs with --expose-gc (WORKLOADS.md rule 7); a no-op elsewhere. */
export function gc(): void {
	const collect = (globalThis as { gc?: () => void }).gc;
	collect?.();
	collect?.();
}

/**
 * W1a-c (both engines): µs per node-step of the chain without a store, `plain` runs timed after
 * `plainCompiledWarmup` more untimed ones (a full GC between), once the optimizing compiler is done with
 * it; undefined when `plainCompiledWarmup` is 0. `count` runs the chain once and gives its final count.
 */
export async function compiledStepUs(
	p: Pick<Sizes["w1"], "nodes" | "plain" | "plainCompiledWarmup">,
	count: () => Promise<number>,
): Promise<number | undefined> {
	if (p.plainCompiledWarmup === 0) return undefined;
	const what = "the chain without a store ended with a wrong count";
	for (let i = 0; i < p.plainCompiledWarmup; i++)
		check((await count()) === p.nodes, what);
	gc();
	let wrong = 0;
	const t0 = now();
	for (let i = 0; i < p.plain; i++) if ((await count()) !== p.nodes) wrong++;
	const us = ((now() - t0) * 1000) / (p.plain * p.nodes);
	check(wrong === 0, `${wrong} of ${p.plain} timed runs: ${what}`);
	return us;
}

/** Fails the run: a workload whose result is wrong is reported invalid, never as fast. */
export function check(ok: boolean, what: string): asserts ok {
	if (!ok) throw new Error(`workload check failed: ${what}`);
}

const MB = 1024 * 1024;
const mb = (bytes: number) => Math.round((bytes / MB) * 100) / 100;

/** Peak memory, sampled where the workload says (at the start of every node, and once after the run). */
export class PeakMemory {
	readonly base = process.memoryUsage();
	#heap = this.base.heapUsed;
	#arrayBuffers = this.base.arrayBuffers;
	#rss = this.base.rss;
	sample = (): void => {
		const m = process.memoryUsage();
		if (m.heapUsed > this.#heap) this.#heap = m.heapUsed;
		if (m.arrayBuffers > this.#arrayBuffers)
			this.#arrayBuffers = m.arrayBuffers;
		if (m.rss > this.#rss) this.#rss = m.rss;
	};
	report() {
		return {
			baseline_heap_used_mb: mb(this.base.heapUsed),
			baseline_rss_mb: mb(this.base.rss),
			peak_heap_used_mb: mb(this.#heap),
			peak_array_buffers_mb: mb(this.#arrayBuffers),
			peak_rss_mb: mb(this.#rss),
		};
	}
}

/** The deterministic 200-character message text of W3/W4. */
export function text(prefix: string): string {
	const filler = "lorem ipsum dolor sit amet consectetur adipiscing elit ";
	let s = `${prefix} `;
	while (s.length < 200) s += filler;
	return s.slice(0, 200);
}
