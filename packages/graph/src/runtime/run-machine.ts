import type { StoredThreadStatus } from "@weft/checkpoint";
import type { Actor, AnyActorLogic } from "xstate";
import type { EventSink } from "./event-sink.ts";

/** A thread's status after a run: what the store records. */
export type RunStatus = StoredThreadStatus;

type RunEvent =
	| { type: "EXECUTE" }
	| { type: "COMMIT" }
	| { type: "PLAN" }
	| { type: "INTERRUPT" }
	| { type: "DONE" }
	| { type: "FAIL" }
	| { type: "CANCEL" };

const ends = {
	INTERRUPT: "interrupted",
	DONE: "done",
	FAIL: "failed",
	CANCEL: "cancelled",
} as const;

export type LifecycleState =
	| "planning"
	| "executing"
	| "committing"
	| Exclude<RunStatus, "running">;

/**
 * The lifecycle of one run: planning → executing → committing → planning … until interrupted, done,
 * failed or cancelled. The only place run states and their order are defined; the others are final.
 */
const TRANSITIONS: Partial<
	Record<LifecycleState, Partial<Record<RunEvent["type"], LifecycleState>>>
> = {
	planning: { EXECUTE: "executing", ...ends },
	executing: { COMMIT: "committing", ...ends },
	committing: { PLAN: "planning", ...ends },
};

/** The xstate machine of the table above, for observed runs. xstate loads with the first one. */
async function defineMachine() {
	const { createActor, setup } = await import("xstate");
	const states = Object.fromEntries(
		(
			["planning", "executing", "committing", ...Object.values(ends)] as const
		).map((state) => [
			state,
			TRANSITIONS[state] === undefined
				? { type: "final" as const }
				: { on: TRANSITIONS[state] },
		]),
	);
	const machine = setup({ types: { events: {} as RunEvent } }).createMachine({
		id: "run",
		initial: "planning",
		states,
	});
	return { machine, createActor };
}

let loaded: ReturnType<typeof defineMachine> | undefined;

/**
 * Drives the lifecycle of a run. An observed run (a debug stream) runs the xstate actor and reports
 * every transition; an unobserved one follows the same table without an actor: creating and stopping an
 * actor cost ≈ 14 % of an interrupt → resume cycle (W5), for transitions nobody sees.
 */
export class RunLifecycle {
	readonly #actor: Actor<AnyActorLogic> | undefined;
	#state: LifecycleState = "planning";

	/** The lifecycle of a run nobody observes: the table alone, made at once. */
	static unobserved(): RunLifecycle {
		return new RunLifecycle(undefined);
	}

	/** Starts the lifecycle of a run. */
	static async start(
		observer?: (state: LifecycleState) => void,
	): Promise<RunLifecycle> {
		if (observer === undefined) return new RunLifecycle(undefined);
		loaded ??= defineMachine();
		const { machine, createActor } = await loaded;
		const actor = createActor(machine) as unknown as Actor<AnyActorLogic>;
		actor.subscribe((snapshot) => observer(snapshot.value as LifecycleState));
		return new RunLifecycle(actor);
	}

	/** The lifecycle of a run with a debug stream: each transition is a `lifecycle` debug event. */
	static observed(
		events: EventSink,
		step: () => number,
	): Promise<RunLifecycle> {
		return RunLifecycle.start((state) =>
			events.emit("debug", { type: "lifecycle", state, step: step() }),
		);
	}

	private constructor(actor: Actor<AnyActorLogic> | undefined) {
		this.#actor = actor;
		actor?.start();
	}

	#send(type: RunEvent["type"]): void {
		const next = TRANSITIONS[this.#state]?.[type];
		if (next === undefined) return; // not allowed from here: ignored, as the machine does
		this.#state = next;
		this.#actor?.send({ type });
	}

	/** A per-step transition. */
	step(type: "EXECUTE" | "COMMIT" | "PLAN"): void {
		this.#send(type);
	}

	/** Ends the run. */
	end(status: Exclude<RunStatus, "running">): void {
		this.#send(
			status === "done"
				? "DONE"
				: status === "interrupted"
					? "INTERRUPT"
					: status === "failed"
						? "FAIL"
						: "CANCEL",
		);
		this.#actor?.stop();
	}

	get state(): LifecycleState {
		return this.#state;
	}
}
