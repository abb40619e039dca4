import type { Checkpointer, Store } from "@weft/checkpoint";
import type { BranchSpec } from "../graph/validate-graph.ts";
import type { Channels } from "../state/channels.ts";
import type { AgentInfo } from "../telemetry/agent-span.ts";
import type { GraphNames } from "./graph-names.ts";
import type { NodeRunner } from "./node-policies.ts";
import type { SnapshotPolicy } from "./state-loader.ts";
import type { Topology } from "./step/plan-tasks.ts";

/** What a run needs from its compiled graph, prepared once at compile(). */
export interface GraphRuntime {
	/** The graph's name (`compile({ name })`), for telemetry. */
	readonly name: string;
	/** Set when the graph is a GenAI agent (`compile({ agent })`): its runs' spans say so. */
	readonly agent: AgentInfo | undefined;
	readonly channels: Channels;
	readonly topology: Topology;
	readonly runners: ReadonlyMap<string, NodeRunner>;
	/** The channels of each subgraph node's graph: a Send's payload to one is checked against them. */
	readonly sendInputs: ReadonlyMap<string, Channels>;
	readonly branches: ReadonlyMap<string, readonly BranchSpec[]>;
	readonly interruptBefore: ReadonlySet<string>;
	readonly interruptAfter: ReadonlySet<string>;
	readonly checkpointer: Checkpointer | undefined;
	readonly store: Store | undefined;
	readonly snapshots: SnapshotPolicy;
	/** Whether the graph's names stand in plain JSON, and their one-name lists (checkpoint metadata). */
	readonly names: GraphNames;
	/** How long a run's thread lease lasts without a heartbeat (undefined: the default). */
	readonly leaseTtlMs: number | undefined;
}
