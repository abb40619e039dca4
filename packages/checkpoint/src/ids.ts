import { randomFillSync } from "node:crypto";

// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, then 74 bits that hold a 42-bit counter (rand_a's
// 12 bits and the top 30 bits of rand_b, after the variant) and 32 fresh random bits. Within one process
// ids are strictly increasing: in the same millisecond (or when the clock stepped back by less than 10 s)
// the counter goes up; a new millisecond starts it at a random 41-bit value. Made here rather than with
// a library: one step writes one id, and this costs a fraction of a general-purpose generator.

const HEX = Array.from({ length: 256 }, (_, i) =>
	i.toString(16).padStart(2, "0"),
);
const POOL = new Uint32Array(512);
let drawn = POOL.length;

function random32(): number {
	if (drawn === POOL.length) {
		randomFillSync(POOL);
		drawn = 0;
	}
	return POOL[drawn++]!;
}

let lastMs = -1;
/** The timestamp's hex as "xxxxxxxx-xxxx-", made once per millisecond. */
let msHex = "";
/** The counter: its top 12 bits (rand_a) and low 30 bits. */
let counterHi = 0;
let counterLo = 0;

function startMs(ms: number): void {
	lastMs = ms;
	const hex = ms.toString(16).padStart(12, "0");
	msHex = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-`;
	// a random 41-bit start leaves room to count up within the millisecond
	counterHi = random32() & 0x7ff;
	counterLo = random32() & 0x3fffffff;
}

const hex4 = (n: number) => HEX[n >>> 8]! + HEX[n & 0xff]!;

/** A new checkpoint id: a UUIDv7, so that sorting ids sorts by creation time (strictly, within a process). */
export function newCheckpointId(): string {
	const now = Date.now();
	if (now > lastMs || now < lastMs - 10_000) startMs(now);
	else if (++counterLo > 0x3fffffff) {
		counterLo = 0;
		if (++counterHi > 0xfff) startMs(lastMs + 1);
	}
	const r = random32();
	return `${msHex}${(0x7000 | counterHi).toString(16)}-${hex4(0x8000 | (counterLo >>> 16))}-${hex4(counterLo & 0xffff)}${hex4(r >>> 16)}${hex4(r & 0xffff)}`;
}
