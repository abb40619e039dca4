import { cpus, loadavg, release, totalmem } from "node:os";

/** One line naming the machine, for the table's heading and the results file. */
export function machine(): string {
	const c = cpus();
	return `${c.length} × ${c[0]?.model.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}`;
}

/** The 1-minute load average: how busy the machine was (2 cores: above ~1 the figures are noisy). */
export const load = (): number => Math.round(loadavg()[0]! * 100) / 100;
