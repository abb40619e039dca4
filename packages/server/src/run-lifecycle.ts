import { setup } from "xstate";

/** A server run's status, as the HTTP API reports it. */
export type RunLifecycleStatus =
	| "pending"
	| "running"
	| "interrupted"
	| "success"
	| "error"
	| "timeout"
	| "cancelled";

/** What moves a run from one status to the next. */
export type RunLifecycleEvent =
	| { type: "START" }
	| { type: "INTERRUPT" }
	| { type: "SUCCEED" }
	| { type: "FAIL" }
	| { type: "TIME_OUT" }
	| { type: "CANCEL" }
	/** The runner's lease expired: the run waits to be taken again. */
	| { type: "LEASE_EXPIRED" };

type EventType = RunLifecycleEvent["type"];

/**
 * Every transition a run may make, and no other: the one definition of the lifecycle. The machine below
 * is built from it; stores that record run statuses accept exactly these moves.
 */
export const RUN_TRANSITIONS: Readonly<
	Record<
		RunLifecycleStatus,
		Readonly<Partial<Record<EventType, RunLifecycleStatus>>>
	>
> = {
	pending: { START: "running", CANCEL: "cancelled", TIME_OUT: "timeout" },
	running: {
		INTERRUPT: "interrupted",
		SUCCEED: "success",
		FAIL: "error",
		TIME_OUT: "timeout",
		CANCEL: "cancelled",
		LEASE_EXPIRED: "pending",
	},
	interrupted: {},
	success: {},
	error: {},
	timeout: {},
	cancelled: {},
};

const states = Object.fromEntries(
	Object.entries(RUN_TRANSITIONS).map(([state, on]) => [
		state,
		Object.keys(on).length === 0 ? { type: "final" as const } : { on },
	]),
);

/** The run lifecycle as an xstate v5 machine. */
export const runMachine = setup({
	types: { events: {} as RunLifecycleEvent },
}).createMachine({ id: "server-run", initial: "pending", states });

/** The status after `event`, or undefined when the lifecycle does not allow it. */
export function nextRunStatus(
	status: RunLifecycleStatus,
	event: EventType,
): RunLifecycleStatus | undefined {
	return RUN_TRANSITIONS[status][event];
}

/** Whether a run in this status has ended. */
export function isFinalRunStatus(status: RunLifecycleStatus): boolean {
	return Object.keys(RUN_TRANSITIONS[status]).length === 0;
}
