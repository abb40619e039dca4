import type { ChannelWrite, StoredCheckpoint } from "@weft/checkpoint";
import type { Channels } from "../state/channels.ts";

/** How far the newest checkpoint is from its snapshot: drives when the next snapshot is written. */
export interface ChainInfo {
	steps: number;
	bytes: number;
	snapshotBytes: number;
}

/** When a checkpoint also stores the full state (see docs/architecture.md, "Checkpoint format"). */
export interface SnapshotPolicy {
	/** No snapshot before this many steps since the last one… */
	minSteps: number;
	/** …and always one after this many. */
	maxSteps: number;
}

export const DEFAULT_SNAPSHOTS: SnapshotPolicy = {
	minSteps: 32,
	maxSteps: 10_000,
};

/**
 * True when the next checkpoint should hold a snapshot: the delta chain is long, and its bytes have
 * caught up with the last snapshot's (so snapshots cost at most as much as the deltas: linear storage).
 */
export function needsSnapshot(
	info: ChainInfo,
	policy: SnapshotPolicy,
): boolean {
	const steps = info.steps + 1;
	return (
		steps >= policy.maxSteps ||
		(steps >= policy.minSteps && info.bytes >= info.snapshotBytes)
	);
}

/**
 * Replays a chain (oldest first, starting at a snapshot or at a checkpoint whose parent state is `base`),
 * checked against the graph's schema (see `Channels.replay`).
 */
export function replayChain(
	channels: Channels,
	chain: readonly StoredCheckpoint[],
	base?: Record<string, unknown>,
	freeze = true,
): Record<string, unknown> {
	return channels.replay(chain, base, freeze);
}

export function chainInfo(chain: readonly StoredCheckpoint[]): ChainInfo {
	let start = 0;
	for (let i = chain.length - 1; i >= 0; i--) {
		if (chain[i]!.data.snapshot !== undefined) {
			start = i;
			break;
		}
	}
	let bytes = 0;
	for (let i = start + 1; i < chain.length; i++) bytes += chain[i]!.size;
	return {
		steps: chain.length - 1 - start,
		bytes,
		snapshotBytes: chain[start]?.size ?? 0,
	};
}

/** A step's writes by task (the node name, or `node#i` for a Send): `getState().writes`. */
export function writesByTask(
	writes: readonly ChannelWrite[],
): Record<string, Record<string, unknown>> {
	const out: Record<string, Record<string, unknown>> = {};
	// one object per task, written in place: a spread plus a key per write is several times slower in
	// Node 20 (a read of a state builds this)
	for (let i = 0; i < writes.length; i++) {
		const [task, key, value] = writes[i]!;
		let own = Object.hasOwn(out, task) ? out[task] : undefined;
		if (own === undefined) {
			own = {};
			setOwn(out, task, own);
		}
		setOwn(own, key, value);
	}
	return out;
}

/** `record[key] = value` as an own property, also for a key named `__proto__` (as a literal's key would be). */
function setOwn(
	record: Record<string, unknown>,
	key: string,
	value: unknown,
): void {
	if (key === "__proto__")
		Object.defineProperty(record, key, {
			value,
			writable: true,
			enumerable: true,
			configurable: true,
		});
	else record[key] = value;
}
