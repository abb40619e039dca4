export {
	CheckpointError,
	type Checkpointer,
	ConfigError,
	fillNamespace,
	GraphRecursionError,
	GraphValidationError,
	InvalidUpdateError,
	isWeftError,
	MemoryCheckpointer,
	MemoryStore,
	type Namespace,
	NodeError,
	type SearchItem,
	type Store,
	type StoreItem,
	ValidationError,
	WeftError,
	type WeftErrorCode,
} from "@weft/checkpoint";
export { Command, type CommandInit, type Route } from "./command.ts";
export { END, START } from "./constants.ts";
export {
	CompiledGraph,
	type GraphInput,
	type StateConfig,
} from "./graph/compiled-graph.ts";
export type {
	GraphDescription,
	GraphEdgeDescription,
	GraphEdgeKind,
	GraphNodeDescription,
} from "./graph/describe-graph.ts";
export { StateGraph } from "./graph/state-graph.ts";
export type {
	AnyStateSchema,
	CachePolicy,
	CallOptions,
	InterruptOptions,
	ModelCallRecord,
	NodeContext,
	NodeFn,
	NodeOptions,
	NodeResult,
	OnceInfo,
	RetryPolicy,
	Router,
	RunCallbacks,
	StateOf,
	UpdateOf,
	UsageReport,
} from "./graph/types.ts";
export { type HumanCheckpoint, human, humanSchemas } from "./human.ts";
export type {
	CompileOptions,
	EventNamespace,
	EventOrigin,
	EventTask,
	RunConfig,
	RunResult,
	StreamConfig,
	StreamEvent,
	StreamMode,
} from "./runtime/events.ts";
export type { Interrupt } from "./runtime/interrupts.ts";
export { unknownInterruptIds } from "./runtime/resume-answers.ts";
export { exitedRunner } from "./runtime/run-lease.ts";
export type { RunStatus } from "./runtime/run-machine.ts";
export { updatesByTask } from "./runtime/update-objects.ts";
export {
	emptyUsage,
	type RunUsage,
	runUsageOf,
	sumUsage,
	type UsageTotals,
} from "./runtime/usage.ts";
export { Send } from "./send.ts";
export { draftUpdate } from "./state/draft-update.ts";
export { type ReducerBrand, reducer } from "./state/reducer.ts";
export type { AgentInfo } from "./telemetry/agent-span.ts";
export {
	readStepTiming,
	type StepTiming,
	TIMING_KEY,
} from "./telemetry/step-timing.ts";
export {
	configureTelemetry,
	type TelemetryOptions,
	type TelemetrySettings,
	telemetrySettings,
} from "./telemetry/telemetry-options.ts";
export type { StateDiff } from "./time-travel/diff-states.ts";
export {
	type HistoryOptions,
	mayBeWaiting,
	pendingInterrupts,
	resendsAnswer,
	type StateHistory,
	type StateSnapshot,
	type WaitingRequest,
	waitingRequests,
} from "./time-travel/read-state.ts";
export { threadUsage } from "./time-travel/thread-usage.ts";

import type { CompiledGraph } from "./graph/compiled-graph.ts";
import type { AnyStateSchema, StateOf, UpdateOf } from "./graph/types.ts";

/** The state type of a compiled graph. */
export type InferState<TGraph> =
	TGraph extends CompiledGraph<infer TSchema extends AnyStateSchema, any>
		? StateOf<TSchema>
		: never;
/** The update type of a compiled graph. */
export type InferUpdate<TGraph> =
	TGraph extends CompiledGraph<infer TSchema extends AnyStateSchema, any>
		? UpdateOf<TSchema>
		: never;
/** The node names of a compiled graph. */
export type InferNodeName<TGraph> =
	TGraph extends CompiledGraph<any, infer TNodes> ? TNodes : never;
