// A preload (`node --import`) that sets this process's clock back: `Date.now()` and `new Date()` read
// CHAOS_CLOCK_SKEW_MS (default 60 s) behind the real time, as on a machine whose clock is wrong.
const skew = Number(process.env.CHAOS_CLOCK_SKEW_MS ?? 60_000);
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);

class SkewedDate extends RealDate {
	constructor(...args: unknown[]) {
		if (args.length === 0) super(realNow() - skew);
		else super(...(args as [string | number | Date]));
	}
	static override now(): number {
		return realNow() - skew;
	}
}

globalThis.Date = SkewedDate as DateConstructor;
