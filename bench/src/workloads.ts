// Which module implements each workload for each engine (loaded lazily: a run loads one engine only).
import type { Sizes } from "./sizes.ts";

/** "both": W6 measures the two engines side by side in one process. */
export type Engine = "weft" | "langgraph" | "both";
export type WorkloadId = keyof Sizes;
type Workload<TId extends WorkloadId> = (
	p: Sizes[TId],
) => Promise<Record<string, unknown>>;

/** One round of the standard set: each engine for W1–W5 and L1, then W6 for both, then Weft's T1. */
export const ROUND: [Engine, WorkloadId][] = [
	...(["w1", "w2", "w3", "w4", "w5", "l1"] as const).flatMap((w) => [
		["weft", w] as [Engine, WorkloadId],
		["langgraph", w] as [Engine, WorkloadId],
	]),
	["both", "w6"],
	// T1: what OpenTelemetry costs per model call (Weft only)
	["weft", "t1"],
];

export async function load<TId extends WorkloadId>(
	engine: Engine,
	id: TId,
): Promise<Workload<TId>> {
	const mod = (await (engine === "both"
		? import(`./w6/${id}.ts`)
		: engine === "weft"
			? import(`./weft/${id}.ts`)
			: import(`./peer/${id}.ts`))) as Record<string, Workload<TId>>;
	const run = mod[id];
	if (run === undefined) throw new Error(`no workload ${id} for ${engine}`);
	return run;
}
