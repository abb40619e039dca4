import { isWeftError } from "../errors.ts";

/** Everything an async iterable yields. */
export async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const x of it) out.push(x);
	return out;
}

/** The WeftError code a promise rejects with, "resolved" when it does not reject, or "untyped: …". */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
		return "resolved";
	} catch (error) {
		if (isWeftError(error)) return error.code;
		return `untyped: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
	}
}

/** The error a promise rejects with (undefined when it resolves). */
export async function errorOf(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
		return undefined;
	} catch (error) {
		return error;
	}
}

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A short lease and a wait that outlasts it (expiry only ever gets more true, so this is not a timing assertion). */
export const SHORT_TTL = 30;
export const outlast = () => wait(SHORT_TTL * 4);
/** A lease that cannot lapse during a test. */
export const LONG_TTL = 600_000;

/**
 * A UUIDv7-shaped id for a given time: what a writer whose clock is `skewMs` behind would make.
 * `n` keeps ids of the same millisecond apart.
 */
export function idAt(ms: number, n = 0): string {
	const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0");
	const tail = n.toString(16).padStart(12, "0");
	return `${time.slice(0, 8)}-${time.slice(8, 12)}-7000-8000-${tail}`;
}
