import { describe, expect, it } from "vitest";
import { createActor, getNextSnapshot } from "xstate";
import {
	isFinalRunStatus,
	RUN_TRANSITIONS,
	type RunLifecycleEvent,
	type RunLifecycleStatus,
	runMachine,
} from "../src/run-lifecycle.ts";

const STATUSES = Object.keys(RUN_TRANSITIONS) as RunLifecycleStatus[];
const EVENTS: RunLifecycleEvent["type"][] = [
	"START",
	"INTERRUPT",
	"SUCCEED",
	"FAIL",
	"TIME_OUT",
	"CANCEL",
	"LEASE_EXPIRED",
	"RELEASE",
];

describe("run lifecycle", () => {
	it("the machine and the transitions table agree on every (status, event)", () => {
		for (const status of STATUSES) {
			const snapshot = runMachine.resolveState({
				value: status,
				context: undefined as never,
			});
			for (const type of EVENTS) {
				const next = getNextSnapshot(runMachine, snapshot, { type });
				const allowed = RUN_TRANSITIONS[status][type];
				expect([status, type, next.value]).toEqual([
					status,
					type,
					allowed ?? status,
				]);
			}
			expect(snapshot.status === "done").toBe(isFinalRunStatus(status));
		}
	});

	it("starts pending and walks to a final status", () => {
		const actor = createActor(runMachine).start();
		expect(actor.getSnapshot().value).toBe("pending");
		actor.send({ type: "START" });
		actor.send({ type: "INTERRUPT" });
		expect(actor.getSnapshot().value).toBe("interrupted");
		expect(actor.getSnapshot().status).toBe("done");
	});

	it("a run whose lease expired goes back to pending, to be taken again", () => {
		expect(RUN_TRANSITIONS.running.LEASE_EXPIRED).toBe("pending");
	});
});
