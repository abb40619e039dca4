import { isPlainEntry } from "@weft/checkpoint";
import { TIMING_KEY } from "../telemetry/step-timing.ts";
import type { NextCheckpoint } from "./run-store.ts";

/**
 * Whether a record may be handed over to the store (`PUT_SYNC`), which then keeps it without checking or
 * copying it: the run made all of its metadata for this checkpoint, of plain JSON, and never changes it
 * again (`plain`: the run's ids, names and own metadata were checked once, see `RunStore`). Not when it
 * holds anyone else's objects or names: model call records or usage reported by nodes, the models of a
 * step's timing, its earlier errors.
 */
export function handOver(next: NextCheckpoint, plain: boolean): boolean {
	if (!plain) return false;
	if (next.usage !== undefined && next.usage.calls !== 0) return false;
	const timing = next.metadata?.[TIMING_KEY] as
		| { calls?: unknown; models?: unknown; errors?: unknown }
		| undefined;
	return (
		typeof timing !== "object" ||
		timing === null ||
		Array.isArray(timing) ||
		(timing.calls === undefined &&
			timing.models === undefined &&
			timing.errors === undefined)
	);
}

/** Run metadata (`RunConfig.metadata`) that can stand in plain JSON as it is: scalars under plain keys. */
export function plainUserMetadata(
	user: Readonly<Record<string, unknown>>,
): boolean {
	for (const key in user) if (!isPlainEntry(key, user[key])) return false;
	return true;
}
