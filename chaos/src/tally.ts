// Counts a test file prints at the end (the setup fails tests that use the console, so they go to
// stdout directly, after the tests).
import { afterAll } from "vitest";

export interface Tally {
	add(name: string, n?: number): void;
	set(name: string, value: number): void;
}

/** A named set of counters, printed as one line after the file's tests. */
export function tally(title: string): Tally {
	const counts = new Map<string, number>();
	const started = Date.now();
	afterAll(() => {
		const parts = [...counts].map(([k, v]) => `${k}=${v}`);
		process.stdout.write(
			`[chaos] ${title}: ${parts.join(", ")} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
		);
	});
	return {
		add: (name, n = 1) => counts.set(name, (counts.get(name) ?? 0) + n),
		set: (name, value) => counts.set(name, value),
	};
}

export const sleep = (ms: number) =>
	new Promise<void>((r) => setTimeout(r, ms));

/** Resolves with `promise`, or rejects after `ms` naming `what`. */
export function within<T>(
	promise: Promise<T>,
	ms: number,
	what: string,
): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise<never>((_, reject) => {
			timer = setTimeout(
				() => reject(new Error(`${what}: no answer in ${ms} ms`)),
				ms,
			);
		}),
	]);
}
