// `list` pages by seq, newest first, each page below the last row of the one before. Rows out of that
// order (a damaged index: Postgres does not check an index entry against its row) would make the paging
// fetch them again and again, listing duplicates for ever, as the SQLite store's did on a torn file
// (outside check, 6 Dec). A damaged btree cannot be made on purpose here: the pages come from a
// scripted `read`, the rows as pg hands them over (seq as text).
import type { CheckpointSummary } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";
import { listSummaries } from "../src/list.ts";
import type { SummaryRow } from "../src/rows.ts";
import type { Statements } from "../src/statements.ts";

const row = (seq: number): SummaryRow => ({
	thread_id: "t1",
	ns: "",
	checkpoint_id: `c${seq}`,
	parent_id: seq === 1 ? null : `c${seq - 1}`,
	step: seq - 1,
	source: "loop",
	created_at: "2026-12-06T00:00:00.000Z",
	metadata: { nodes: [], changed: [], next: [], snapshot: seq === 1 },
	size: 10,
	seq: String(seq),
});

/** Lists with `pages` as the query results, one per query; the bounds the queries were given. */
async function listed(pages: SummaryRow[][]) {
	const bounds: string[] = [];
	const read = async <T>(fn: (q: any) => Promise<T>) =>
		fn(async (_sql: string, params: unknown[]) => {
			bounds.push(String(params[2]));
			return { rows: pages.shift() ?? [] };
		});
	const out: CheckpointSummary[] = [];
	const st = { page: "page", pageFiltered: "pageFiltered" } as Statements;
	for await (const s of listSummaries(
		read as never,
		st,
		{ threadId: "t1", ns: "" },
		{},
	))
		out.push(s);
	return { ids: out.map((s) => s.checkpointId), bounds };
}

const seqs = (from: number, to: number) =>
	Array.from({ length: from - to + 1 }, (_, i) => row(from - i));

describe("PostgresCheckpointer list paging", () => {
	it("pages down by seq, across seqs of more digits than the bound's", async () => {
		const { ids, bounds } = await listed([seqs(1000, 745), seqs(744, 489)]);
		expect(ids).toHaveLength(512);
		expect(bounds).toEqual(["9223372036854775807", "745", "489"]);
	});

	it("fails STORE_UNAVAILABLE (a damaged index) when a page gives a seq not below the one before it", async () => {
		// the second page starts over at the top, as a damaged index can make it
		const error = await listed([seqs(600, 345), seqs(600, 345)]).catch(
			(e: unknown) => e,
		);
		expect(error).toMatchObject({
			code: "STORE_UNAVAILABLE",
			message: expect.stringContaining('seq 600 of thread "t1" after seq 345'),
			hint: expect.stringContaining("REINDEX"),
		});
		const within = await listed([[row(5), row(7), row(6)]]).catch(
			(e: unknown) => e,
		);
		expect(within).toMatchObject({ code: "STORE_UNAVAILABLE" });
	});
});
