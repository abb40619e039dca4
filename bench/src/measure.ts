// What every workload uses to time, check and sample memory.

/** A monotonic clock in milliseconds. */
export const now = (): number => performance.now();

/** A full GC where node runs with --expose-gc (WORKLOADS.md rule 7); a no-op elsewhere. */
export function gc(): void {
	const collect = (globalThis as { gc?: () => void }).gc;
	collect?.();
	collect?.();
}

/**
 * The mean milliseconds per call of `count` calls of `ok` after `warmup` untimed ones (a full GC between);
 * fails the run when a call returns false.
 */
export async function meanAfterWarmup(
	ok: () => Promise<boolean>,
	warmup: number,
	count: number,
	what: string,
): Promise<number> {
	for (let i = 0; i < warmup; i++) check(await ok(), what);
	gc();
	let wrong = 0;
	const t0 = now();
	for (let i = 0; i < count; i++) if (!(await ok())) wrong++;
	const ms = (now() - t0) / count;
	check(wrong === 0, `${wrong} of ${count} timed runs: ${what}`);
	return ms;
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
