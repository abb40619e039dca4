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
	| { type: "LEASE_EXPIRED" }
	/** The runner gave the run back (graceful shutdown past its grace, or its store went away): it waits to be taken again. */
	| { type: "RELEASE" };

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
		RELEASE: "pending",
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

/** Every status a run may move to `to` from (by any event), staying put excluded. */
export function statusesBefore(to: RunLifecycleStatus): RunLifecycleStatus[] {
	return RUN_STATUSES.filter((from) =>
		Object.values(RUN_TRANSITIONS[from]).includes(to),
	);
}

/** The statuses from which `event` moves a run. */
export function statusesFrom(event: EventType): RunLifecycleStatus[] {
	return RUN_STATUSES.filter((s) => RUN_TRANSITIONS[s][event] !== undefined);
}

/** Every status, in the table's order. */
export const RUN_STATUSES = Object.keys(
	RUN_TRANSITIONS,
) as RunLifecycleStatus[];

/** The moves of the machine as `from:to` strings. */
export const RUN_MOVES: readonly string[] = RUN_STATUSES.flatMap((from) =>
	[...new Set(Object.values(RUN_TRANSITIONS[from]))].map(
		(to) => `${from}:${to}`,
	),
);

/** Every status the machine can reach from `from` by one or more moves. */
function reachable(from: RunLifecycleStatus): Set<RunLifecycleStatus> {
	const seen = new Set<RunLifecycleStatus>();
	const todo = [from];
	for (let s = todo.pop(); s !== undefined; s = todo.pop())
		for (const to of Object.values(RUN_TRANSITIONS[s]))
			if (!seen.has(to)) {
				seen.add(to);
				todo.push(to);
			}
	return seen;
}

/**
 * The moves a stored run status may make, as `from:to` strings (what the databases' guards compare
 * against): a move of the machine or a chain of them. Run records are written behind
 * (records/record-cache.ts) and a write carries only the newest status, so a run that went pending →
 * running → interrupted between two writes is stored as pending → interrupted; a final status still
 * never changes, and no status goes where the machine cannot take it.
 */
export const RUN_STORED_MOVES: readonly string[] = RUN_STATUSES.flatMap(
	(from) => [...reachable(from)].map((to) => `${from}:${to}`),
);

const storedMoves = new Set(RUN_STORED_MOVES);

/** Whether a stored run may go from `from` to `to` (`RUN_STORED_MOVES`), or stay. */
export function runMoveAllowed(
	from: RunLifecycleStatus,
	to: RunLifecycleStatus,
): boolean {
	return from === to || storedMoves.has(`${from}:${to}`);
}
