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
	/** Its place in the process's list while it beats (-1 when it does not): set by start and stop. */
	index: number;
	beat(): void;
}

/**
 * The heartbeats, in no order. An array with swap-removal, not a Set: a Set that grows and shrinks by one
 * run at a time reallocates its table each time (perf, issue 17).
 */
const beating: Beating[] = [];
let timer: ReturnType<typeof setInterval> | undefined;
let tickMs = 0;

function restart(ms: number): void {
	if (timer !== undefined) clearInterval(timer);
	tickMs = ms;
	timer = setInterval(tick, ms);
	timer.unref?.();
}

function tick(): void {
	if (beating.length === 0) {
		clearInterval(timer);
		timer = undefined;
		return;
	}
	const now = Date.now();
	let shortest = Number.POSITIVE_INFINITY;
	// backwards: a heartbeat stopped meanwhile moves the last one into its place, which was seen already
	for (let i = beating.length - 1; i >= 0; i--) {
		const b = beating[i];
		if (b === undefined) continue;
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
	if (b.index !== -1) return;
	b.index = beating.length;
	beating.push(b);
	if (timer === undefined || b.period / 2 < tickMs) restart(b.period / 2);
}

export function stopBeating(b: Beating): void {
	const i = b.index;
	if (i === -1) return;
	b.index = -1;
	const last = beating.pop()!;
	if (last !== b) {
		beating[i] = last;
		last.index = i;
	}
}
