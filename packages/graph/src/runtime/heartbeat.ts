/**
 * One timer for the heartbeats of every lease a process holds: setting and clearing a timer per run costs
 * ≈ 2–4 µs in Node 20 (perf, issue 17). It ticks every half of the shortest period among them, so a
 * heartbeat due after `period` ms comes at most half a period late (a lease renewed every third of its TTL
 * is renewed by half of it); it stops at the first tick that finds no heartbeat.
 */
export interface Beating {
	/** How often it beats (ms). */
	readonly period: number;
	/** When it beats next (ms since the epoch, `Date.now`). */
	due: number;
	beat(): void;
}

const beating = new Set<Beating>();
let timer: ReturnType<typeof setInterval> | undefined;
let tickMs = 0;

function restart(ms: number): void {
	if (timer !== undefined) clearInterval(timer);
	tickMs = ms;
	timer = setInterval(tick, ms);
	timer.unref?.();
}

function tick(): void {
	if (beating.size === 0) {
		clearInterval(timer);
		timer = undefined;
		return;
	}
	const now = Date.now();
	let shortest = Number.POSITIVE_INFINITY;
	for (const b of beating) {
		if (now >= b.due) {
			b.due = now + b.period;
			b.beat();
		}
		if (b.period < shortest) shortest = b.period;
	}
	// the short periods are gone: tick less often
	if (shortest / 2 > tickMs) restart(shortest / 2);
}

/** Beats `b` every `b.period` ms from now on, until `stopBeating`. */
export function startBeating(b: Beating): void {
	beating.add(b);
	if (timer === undefined || b.period / 2 < tickMs) restart(b.period / 2);
}

export function stopBeating(b: Beating): void {
	beating.delete(b);
}
