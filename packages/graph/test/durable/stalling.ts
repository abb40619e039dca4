import type { Checkpointer } from "@weft/checkpoint";

/**
 * `cp` whose lease renewals hang while `state.stalled` is set: its runner is as good as dead (its lease
 * lapses, another runner may take the thread over), without killing a process.
 */
export function stalling(cp: Checkpointer) {
	const state = { stalled: false };
	const wrapped = new Proxy(cp, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (key === "renewLease")
				return (...args: unknown[]) =>
					state.stalled
						? new Promise(() => {})
						: (value as (...a: unknown[]) => unknown).apply(target, args);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { cp: wrapped, state };
}
