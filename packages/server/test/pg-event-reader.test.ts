// A stream's reader of a run's events in Postgres on a connection that drops (chaos audit, 5 Dec: with
// every connection cut again and again, a client's stream ended cleanly after a few events while the run
// went on): a failed read is made again, and one that keeps failing is an `error` event, not an end.
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { PgRunEvents, type RunWatch } from "../src/worker/pg-events.ts";

/** A pool stand-in holding `events` rows; the next `fail` reads fail as a dropped connection does. */
function pool(events: number, fail: number) {
	const state = { fail };
	const query = async (_text: string, values: unknown[]) => {
		if (state.fail-- > 0) throw new Error("Connection terminated unexpectedly");
		const after = values[1] as number;
		const rows = [];
		for (let seq = after + 1; seq <= events; seq++)
			rows.push({ seq, event: "values", data: { n: seq } });
		return { rows };
	};
	return { pool: { query } as unknown as pg.Pool, state };
}

/** The run has ended: the reader stops once it has read every row. */
const ended: RunWatch = { ended: () => true, wait: async () => {} };

async function readAll(log: PgRunEvents, lastEventId?: string) {
	const out = [];
	for await (const ev of log.read(lastEventId)) out.push(ev);
	return out;
}

describe("PgRunEvents on a dropping connection", () => {
	it("reads again after a dropped connection: every event once, in order", async () => {
		const p = pool(3, 2);
		const events = await readAll(new PgRunEvents(p.pool, "run", ended));
		expect(events.map((e) => [e.id, e.event])).toEqual([
			["1", "values"],
			["2", "values"],
			["3", "values"],
		]);
	});

	// outside check (6 Dec): a reader left behind by more than maxPerRun new events went on past a gap
	it("ends with an EVENTS_EXPIRED error event when its next events were dropped meanwhile, never a silent gap", async () => {
		const stored = { from: 1, to: 2 };
		const query = async (_text: string, values: unknown[]) => {
			const rows = [];
			for (
				let seq = Math.max(stored.from, (values[1] as number) + 1);
				seq <= stored.to;
				seq++
			)
				rows.push({ seq, event: "values", data: { n: seq } });
			return { rows };
		};
		let ends = false;
		let waits = 0;
		const watch: RunWatch = {
			ended: () => ends,
			// the reader asks for the next wake-up before each read: by the second, it has read 1 and 2
			wait: async () => {
				if (++waits < 2) return;
				await new Promise((r) => setTimeout(r, 1));
				// the run wrote 8 more events; the oldest were dropped to keep 5
				Object.assign(stored, { from: 6, to: 10 });
				ends = true;
			},
		};
		const events = await readAll(
			new PgRunEvents({ query } as unknown as pg.Pool, "run", watch),
		);
		expect(events.map((e) => [e.id, e.event])).toEqual([
			["1", "values"],
			["2", "values"],
			["5", "error"],
		]);
		expect(events[2]!.data).toMatchObject({ error: "EVENTS_EXPIRED" });
		// a reader joining late without Last-Event-ID starts at the first kept event
		const late = await readAll(
			new PgRunEvents({ query } as unknown as pg.Pool, "run", ended),
		);
		expect(late.map((e) => e.id)).toEqual(["6", "7", "8", "9", "10"]);
	});

	it("ends with a STORE_UNAVAILABLE error event naming where to join again when reads keep failing", async () => {
		const p = pool(3, Number.POSITIVE_INFINITY);
		const events = await readAll(new PgRunEvents(p.pool, "run", ended), "2");
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({
			id: "2",
			event: "error",
			data: { error: "STORE_UNAVAILABLE" },
		});
		expect((events[0]!.data as { message: string }).message).toMatch(
			/Last-Event-ID 2/,
		);
	}, 20_000);
});
