// The worker's event writer on a connection that drops: a failed batch is written again (the insert is
// idempotent), and one that still fails stops the stream there instead of leaving a hole in it.
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { insertEventsSql, PgEventWriter } from "../src/worker/pg-events.ts";

/** A pool stand-in: answers the writer's opening read, records inserts, fails the next `fail` inserts. */
function pool(fail: number) {
	const inserted: number[] = [];
	const state = { fail };
	const query = async (text: string, values: unknown[]) => {
		if (text.includes("AS top,"))
			return { rows: [{ top: null, dropped: 0, ord: null }] };
		if (text.includes("INSERT INTO weft_server.run_events")) {
			if (state.fail-- > 0)
				throw new Error("Connection terminated unexpectedly");
			// the run id, the attempt, the rows' values ($3 …), four each, then the announcement's channel and payload
			for (let i = 2; i + 2 < values.length; i += 4)
				inserted.push(values[i] as number);
		}
		return { rows: [], rowCount: 0 };
	};
	return { pool: { query } as unknown as pg.Pool, inserted, state };
}

describe("PgEventWriter on a dropping connection", () => {
	it("writes a batch again after a failure: every event once, in order", async () => {
		const p = pool(2);
		const writer = await PgEventWriter.open(p.pool, "run", 1);
		writer.push("metadata", { run_id: "run" });
		writer.push("values", { n: 1 });
		await writer.flush();
		writer.push("values", { n: 2 });
		await writer.flush();
		expect(p.inserted).toEqual([1, 2, 3]);
	});

	it("hands the events not written yet to the caller's statement once the batch in flight is written", async () => {
		const p = pool(0);
		const writer = await PgEventWriter.open(p.pool, "run", 1);
		writer.push("metadata", { run_id: "run" });
		await Promise.resolve(); // the first batch is on its way
		writer.push("values", { n: 1 });
		writer.push("updates", { a: 1 });
		const rest = await writer.rest();
		expect(p.inserted).toEqual([1]);
		expect(rest.map((e) => [e.seq, e.event, e.ord])).toEqual([
			[2, "values", 1],
			[3, "updates", 2],
		]);
		// the status statement's CTE: its rows' parameters from $10 on, the run id in $1
		const ins = insertEventsSql(rest, 10, "EXISTS (SELECT 1 FROM moved)");
		expect(ins.cte).toContain(
			"($1::text, $10::int, $11::text, $12::jsonb, $13::int), ($1::text, $14::int, $15::text, $16::jsonb, $17::int)",
		);
		// only with the status it goes in with (which moves only a run running as the writing attempt)
		expect(ins.cte).toMatch(
			/^, ins AS \(INSERT .*\sWHERE EXISTS \(SELECT 1 FROM moved\)/s,
		);
		expect(ins.params).toEqual([
			2,
			"values",
			rest[0]!.data,
			1,
			3,
			"updates",
			rest[1]!.data,
			2,
		]);
		expect(insertEventsSql([], 10, "true")).toEqual({ cte: "", params: [] });
		// nothing pushed after rest() is written by the writer
		writer.push("values", { n: 2 });
		await writer.flush();
		expect(p.inserted).toEqual([1]);
	});

	it("stops at a batch that keeps failing: no later event is written past the hole", async () => {
		const p = pool(Number.POSITIVE_INFINITY);
		const writer = await PgEventWriter.open(p.pool, "run", 1);
		writer.push("values", { n: 1 });
		await expect(writer.flush()).rejects.toThrow("Connection terminated");
		p.state.fail = 0;
		writer.push("values", { n: 2 });
		await expect(writer.flush()).rejects.toThrow("Connection terminated");
		expect(p.inserted).toEqual([]);
	}, 20_000);
});
