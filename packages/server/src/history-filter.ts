import type { StateSnapshot } from "@weft/graph";

/**
 * LangGraph's checkpoint metadata holds `step` and `source`; Weft keeps them as fields of the checkpoint,
 * beside its metadata (`toThreadState` shows them in `metadata`). A history filter on them is matched
 * here, on the snapshots; the other keys go to the store's own metadata filter.
 */
const COMPUTED = ["step", "source"] as const;

/** The store's part of a history `metadata` filter, and a test of the snapshots for the rest. */
export function splitHistoryFilter(
	filter: Record<string, unknown> | undefined,
): {
	stored: Record<string, never> | undefined;
	matches: ((snap: StateSnapshot) => boolean) | undefined;
} {
	if (filter === undefined) return { stored: undefined, matches: undefined };
	const stored = { ...filter } as Record<string, never>;
	const computed: Array<[string, string]> = [];
	for (const key of COMPUTED)
		if (key in stored) {
			computed.push([key, JSON.stringify(stored[key])]);
			delete stored[key];
		}
	if (computed.length === 0) return { stored, matches: undefined };
	return {
		stored,
		matches: (snap) =>
			computed.every(
				([key, json]) =>
					JSON.stringify(snap[key as (typeof COMPUTED)[number]]) === json,
			),
	};
}
