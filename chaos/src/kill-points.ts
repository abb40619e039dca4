// A worker's own SIGKILL at a chosen point of one checkpoint write (a real SIGKILL: nothing of the process
// runs after it). The random kills of a test land where they land; these land on the write that matters.
import {
	type Checkpointer,
	type CheckpointRecord,
	PUT_SYNC,
} from "@weft/checkpoint";

/**
 * Where: before the write is handed to the store; while it is in flight (a few milliseconds after it was
 * handed over: on Postgres inside its transaction, or just after; SQLite writes synchronously, so there it
 * is just after); or right after the store answered.
 */
export type KillPoint = "before" | "in-flight" | "after";

export const KILL_POINTS: readonly KillPoint[] = [
	"before",
	"in-flight",
	"after",
];

const die = (): never => {
	process.kill(process.pid, "SIGKILL");
	throw new Error("unreachable: SIGKILL did not end the process");
};

/** `cp`, killing this process at `point()` (none: undefined) of a put that `matches`. */
export function killAround(
	cp: Checkpointer,
	point: () => KillPoint | undefined,
	matches: (record: CheckpointRecord) => boolean,
): Checkpointer {
	let at: KillPoint | undefined;
	const arm = (record: CheckpointRecord) => {
		at = point();
		if (at === undefined || !matches(record)) return false;
		if (at === "before") die();
		if (at === "in-flight") setTimeout(die, Math.random() * 4);
		return true;
	};
	return new Proxy(cp, {
		get(target, key) {
			const value = Reflect.get(target, key, target) as unknown;
			if (typeof value !== "function" || key === "constructor") return value;
			if (key === "put")
				return (record: CheckpointRecord, ...rest: unknown[]) => {
					const armed = arm(record);
					const result = (value as (...a: unknown[]) => Promise<unknown>).call(
						target,
						record,
						...rest,
					);
					return armed && at === "after" ? result.then(die) : result;
				};
			// a store's synchronous put (internal, MemoryCheckpointer): not offered, so every write goes through put
			if (key === PUT_SYNC) return undefined;
			return (value as (...a: unknown[]) => unknown).bind(target);
		},
	});
}
