// A worker's own SIGSTOP right after its n-th checkpoint write was answered: the process freezes between
// two steps, holding its lease (as in a long GC pause, a frozen VM or a closed laptop lid), and goes on
// from there when the test sends SIGCONT. Nothing of the process runs while it is stopped.
import { type Checkpointer, PUT_SYNC } from "@weft/checkpoint";

/** `cp`, stopping this process after its `nth` put (1 = the first) resolved. */
export function pauseAfterPut(cp: Checkpointer, nth: number): Checkpointer {
	let puts = 0;
	return new Proxy(cp, {
		get(target, key) {
			const value = Reflect.get(target, key, target) as unknown;
			if (typeof value !== "function" || key === "constructor") return value;
			if (key === "put")
				return (...args: unknown[]) =>
					(value as (...a: unknown[]) => Promise<unknown>)
						.apply(target, args)
						.then((result) => {
							puts += 1;
							// stops here; SIGCONT returns from kill() and the run goes on with the put's answer
							if (puts === nth) process.kill(process.pid, "SIGSTOP");
							return result;
						});
			// a store's synchronous put (internal, MemoryCheckpointer): not offered, so every write goes through put
			if (key === PUT_SYNC) return undefined;
			return (value as (...a: unknown[]) => unknown).bind(target);
		},
	});
}
