import type { Checkpointer } from "@weft/checkpoint";
import type { BranchSpec } from "../graph/validate-graph.ts";
import type { Channels } from "../state/channels.ts";
import type { NodeRunner } from "./node-policies.ts";
import type { SnapshotPolicy } from "./state-loader.ts";
import type { Topology } from "./step/plan-tasks.ts";

/** What a run needs from its compiled graph, prepared once at compile(). */
export interface GraphRuntime {
	readonly channels: Channels;
	readonly topology: Topology;
	readonly runners: ReadonlyMap<string, NodeRunner>;
	readonly branches: ReadonlyMap<string, readonly BranchSpec[]>;
	readonly interruptBefore: ReadonlySet<string>;
	readonly interruptAfter: ReadonlySet<string>;
	readonly checkpointer: Checkpointer | undefined;
	readonly snapshots: SnapshotPolicy;
	/** How long a run's thread lease lasts without a heartbeat (undefined: the default). */
	readonly leaseTtlMs: number | undefined;
}
