// The in-process A/B of two builds (w4-ab.ts, w5-ab.ts): each build's operation warmed, then run round by
// round, the order of the two alternated, with the CPU time per operation of each round; the medians and
// the median of the paired round ratios printed.

type Operation = () => Promise<void>;

const cpu = () => {
	const u = process.cpuUsage();
	return u.user + u.system;
};

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;

export async function alternateRounds(
	[a, b]: readonly [Operation, Operation],
	o: {
		rounds: number;
		perRound: number;
		/** Warm-up: this many rounds' worth of operations on each build first. */
		warmRounds: number;
		/** A full GC (with --expose-gc) before every `gcEvery`-th round. */
		gcEvery: number;
		/** What one operation is, for the printout ("read", "cycle"). */
		unit: string;
	},
): Promise<void> {
	const engines = [a, b];
	for (const e of engines)
		for (let i = 0; i < o.perRound * o.warmRounds; i++) await e();
	const per: number[][] = [[], []];
	for (let r = 0; r < o.rounds; r++)
		for (const k of r % 2 === 0 ? [0, 1] : [1, 0]) {
			if (r % o.gcEvery === 0) (globalThis as { gc?: () => void }).gc?.();
			const c0 = cpu();
			for (let i = 0; i < o.perRound; i++) await engines[k]!();
			per[k]!.push((cpu() - c0) / o.perRound);
		}
	const ratios = per[0]!.map((x, i) => per[1]![i]! / x);
	const side = (name: string, xs: number[]) =>
		`${name} ${median(xs).toFixed(1)} µs/${o.unit} (min ${Math.min(...xs).toFixed(1)})`;
	process.stdout.write(
		`${side("A", per[0]!)}, ${side("B", per[1]!)}, B/A median of round ratios ${median(ratios).toFixed(3)}\n`,
	);
}
