// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, then 74 bits that hold a 42-bit counter (rand_a's
// 12 bits and the top 30 bits of rand_b, after the variant) and 32 fresh random bits. Within one process
// ids are strictly increasing: in the same millisecond (or when the clock stepped back by less than 10 s)
// the counter goes up; a new millisecond starts it at a random 41-bit value. Made here rather than with
// a library: one step writes one id, and this costs a fraction of a general-purpose generator.

/** Char codes of the hex digits. */
const DIGITS = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const DASH = 45;
/**
 * The id being made, as char codes: made into one flat string at the end. A template literal makes a tree
 * of seven concatenated strings and five small ones, which a store keeps with the id (≈ 350 bytes and 12
 * objects a checkpoint against 56 bytes and one: every scavenge copies what the store added since the last).
 */
const CODES: number[] = new Array<number>(36).fill(DASH);
const POOL = new Uint32Array(512);
let drawn = POOL.length;

function random32(): number {
	if (drawn === POOL.length) {
		// taken at the first id, not at import (decision 0192)
		process.getBuiltinModule("node:crypto").randomFillSync(POOL);
		drawn = 0;
	}
	return POOL[drawn++]!;
}

let lastMs = -1;
/** The counter: its top 12 bits (rand_a) and low 30 bits. */
let counterHi = 0;
let counterLo = 0;

function startMs(ms: number): void {
	lastMs = ms;
	// "xxxxxxxx-xxxx-": the timestamp's hex, written once per millisecond
	const hex = ms.toString(16).padStart(12, "0");
	for (let i = 0; i < 8; i++) CODES[i] = hex.charCodeAt(i);
	for (let i = 8; i < 12; i++) CODES[i + 1] = hex.charCodeAt(i);
	// a random 41-bit start leaves room to count up within the millisecond
	counterHi = random32() & 0x7ff;
	counterLo = random32() & 0x3fffffff;
}

/** Writes the 16-bit `n` as four hex digits at `at`. */
function hex4(at: number, n: number): void {
	CODES[at] = DIGITS[(n >>> 12) & 15]!;
	CODES[at + 1] = DIGITS[(n >>> 8) & 15]!;
	CODES[at + 2] = DIGITS[(n >>> 4) & 15]!;
	CODES[at + 3] = DIGITS[n & 15]!;
}

/** A new checkpoint id: a UUIDv7, so that sorting ids sorts by creation time (strictly, within a process). */
export function newCheckpointId(): string {
	const now = Date.now();
	if (now > lastMs || now < lastMs - 10_000) startMs(now);
	else if (++counterLo > 0x3fffffff) {
		counterLo = 0;
		if (++counterHi > 0xfff) startMs(lastMs + 1);
	}
	const r = random32();
	hex4(14, 0x7000 | counterHi);
	hex4(19, 0x8000 | (counterLo >>> 16));
	hex4(24, counterLo & 0xffff);
	hex4(28, r >>> 16);
	hex4(32, r & 0xffff);
	return String.fromCharCode.apply(null, CODES);
}
