// Statistics of the harness: medians, ranges, least squares and the storage growth fit of WORKLOADS.md.

export function median(xs: readonly number[]): number {
	if (xs.length === 0) return Number.NaN;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const round = (x: number, digits = 3): number =>
	Math.round(x * 10 ** digits) / 10 ** digits;

/** Least squares y = a + b·x. */
export function fit(
	xs: readonly number[],
	ys: readonly number[],
): { a: number; b: number } {
	const n = xs.length;
	const sx = xs.reduce((p, x) => p + x, 0);
	const sy = ys.reduce((p, y) => p + y, 0);
	const sxx = xs.reduce((p, x) => p + x * x, 0);
	const sxy = xs.reduce((p, x, i) => p + x * ys[i]!, 0);
	const b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
	return { a: (sy - b * sx) / n, b };
}

/** The exponent k of y ∝ x^k: the least-squares slope of log y on log x. */
export const loglogSlope = (xs: readonly number[], ys: readonly number[]) =>
	fit(xs.map(Math.log), ys.map(Math.log)).b;

/**
 * How stored bytes grow with checkpoints (WORKLOADS.md "Growth fit"), from the sizes of a thread's
 * checkpoints in chronological order: the log-log slope of cumulative bytes over n in [⌊N/10⌋, N], the
 * doubling exponent log2(C(N) / C(N/2)), and the per-checkpoint slope.
 */
export function growth(sizes: readonly number[]) {
	const N = sizes.length;
	const cum: number[] = [];
	let acc = 0;
	for (const s of sizes) {
		acc += s;
		cum.push(acc);
	}
	const ns: number[] = [];
	for (let n = Math.max(1, Math.floor(N / 10)); n <= N; n++) ns.push(n);
	const half = Math.floor(N / 2);
	return {
		checkpoints: N,
		cumulative_bytes: cum[N - 1] ?? 0,
		loglog_exponent: round(
			loglogSlope(
				ns,
				ns.map((n) => cum[n - 1]!),
			),
		),
		doubling_exponent: round(Math.log2(cum[N - 1]! / cum[half - 1]!)),
		per_checkpoint_slope_bytes: round(
			fit(
				sizes.map((_, i) => i + 1),
				sizes,
			).b,
			2,
		),
	};
}
