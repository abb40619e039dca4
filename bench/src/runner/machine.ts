import { cpus, loadavg, release, totalmem, uptime } from "node:os";

/** One line naming the machine, for the table's heading and the results file. */
export function machine(): string {
	const c = cpus();
	return `${c.length} × ${c[0]?.model.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, up ${Math.round(uptime() / 60)} min`;
}

/** Below this, a machine of this project's kind is still slow to hand out memory (docs/benchmarks.md). */
const SETTLED_MIN = 15;

/**
 * A warning when the machine booted minutes ago: on the Firecracker VMs this project is measured on, a
 * page fault in the first minutes after boot was seen to cost several times its later price, and W1b read
 * 90–360 µs a step instead of ≈ 20 (1 Dec). Both engines suffer it; single figures are not comparable.
 */
export function youngMachineWarning(): string | undefined {
	const minutes = uptime() / 60;
	if (minutes >= SETTLED_MIN) return undefined;
	return `warning: this machine booted ${Math.round(minutes)} min ago; in the first ${SETTLED_MIN} minutes page faults were seen to cost several times more (docs/benchmarks.md, "Page faults"): ratios hold, single figures may read slow`;
}

/** The 1-minute load average: how busy the machine was (2 cores: above ~1 the figures are noisy). */
export const load = (): number => Math.round(loadavg()[0]! * 100) / 100;
