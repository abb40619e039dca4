// Found from outside (chaos audit, 5 Dec): a pending-write row whose bytes still read as JSON but whose
// record lost a field it needs (a `done` without its writes, an interrupt without its position or id)
// passed the store's check (kind and taskId only). `graph.run(null)` (`weft continue`) then failed with a
// TypeError ("writes is not iterable": the CLI's UNEXPECTED), and a resume answered nothing and paused
// again, adding a record. Every read of such a record now throws CORRUPT_CHECKPOINT naming the thread and
// checkpoint, and writes nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import {
	Command,
	human,
	isWeftError,
	START,
	StateGraph,
	waitingRequests,
} from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { RawSqlite } from "./raw-sqlite.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-pending-shapes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const review = human("review", {
	request: z.object({ draft: z.string() }),
	response: z.object({ action: z.enum(["approve", "reject"]) }),
});

/** Records that read as JSON but lack (or mistype) a field their kind needs. */
const DAMAGED: Record<string, object> = {
	"a done record without writes": { kind: "done", taskId: "approve" },
	"a done record whose writes are no list": {
		kind: "done",
		taskId: "approve",
		node: "approve",
		writes: 5,
	},
	"an interrupt without its position": {
		kind: "interrupt",
		taskId: "approve",
		node: "approve",
		id: "x",
		value: 1,
	},
	"an interrupt whose id is no string": {
		kind: "interrupt",
		taskId: "approve",
		node: "approve",
		id: 5,
		index: 0,
		value: 1,
	},
	"an answer without its position": {
		kind: "resume",
		taskId: "approve",
		value: { action: "approve" },
	},
	"a once result without its key": {
		kind: "once",
		taskId: "approve",
		value: 1,
	},
};

const READS = {
	getState: (g: Graph, threadId: string) => g.getState({ threadId }),
	getStateHistory: async (g: Graph, threadId: string) => {
		for await (const _ of g.getStateHistory({ threadId })) {
			// every checkpoint's state
		}
	},
	continue: (g: Graph, threadId: string) => g.run(null, { threadId }),
	resume: (g: Graph, threadId: string) =>
		g.run(new Command({ resume: { action: "approve" } }), { threadId }),
};

const graphOn = (checkpointer: SqliteCheckpointer) =>
	new StateGraph(
		z.object({ draft: z.string().default(""), sent: z.string().default("") }),
	)
		.addNode("write", (s) => ({ draft: `${s.draft}!` }))
		.addNode("approve", async (s, ctx) => ({
			sent: (await review.ask(ctx, { draft: s.draft })).action,
		}))
		.addEdge(START, "write")
		.addEdge("write", "approve")
		.compile({ checkpointer });
type Graph = ReturnType<typeof graphOn>;

describe("a pending write that reads as JSON but is not a whole record", () => {
	for (const [damage, record] of Object.entries(DAMAGED))
		it(`${damage}: every read throws CORRUPT_CHECKPOINT naming the place, nothing is written`, async () => {
			const path = join(dir, `${damage.replace(/[^a-z]+/g, "-")}.db`);
			const checkpointer = new SqliteCheckpointer({ path });
			const graph = graphOn(checkpointer);
			try {
				const paused = await graph.run({ draft: "a" }, { threadId: "bad" });
				await graph.run({ draft: "b" }, { threadId: "ok" });
				const raw = new RawSqlite(path);
				raw
					.prepare(
						"UPDATE writes SET data = ? WHERE thread_id = 'bad' AND checkpoint_id = ?",
					)
					.run(Buffer.from(`j${JSON.stringify(record)}`), paused.checkpointId);
				const rows = () =>
					JSON.stringify([
						raw.prepare("SELECT * FROM checkpoints ORDER BY seq").all(),
						raw.prepare("SELECT * FROM writes ORDER BY seq").all(),
					]);
				const before = rows();
				for (const [name, read] of Object.entries(READS)) {
					const error = await read(graph, "bad").then(
						(r) => r,
						(e: unknown) => e,
					);
					expect(isWeftError(error, "CORRUPT_CHECKPOINT"), name).toBe(true);
					expect((error as Error).message, name).toContain('thread "bad"');
					expect((error as Error).message, name).toContain(paused.checkpointId);
				}
				// a listing of waiting requests (`weft pending`) passes the damaged head to `unreadable`
				const unreadable: unknown[] = [];
				const thread = await graph.getThread({ threadId: "bad" });
				expect(
					await waitingRequests(checkpointer, thread!, {
						unreadable: (e) => unreadable.push(e),
					}),
				).toEqual([]);
				expect(unreadable).toHaveLength(1);
				expect(isWeftError(unreadable[0], "CORRUPT_CHECKPOINT")).toBe(true);
				expect(rows()).toBe(before);
				raw.close();
				// the other thread of the file is answered as usual
				const ok = await graph.run(
					new Command({ resume: { action: "approve" } }),
					{ threadId: "ok" },
				);
				expect(ok.values.sent).toBe("approve");
			} finally {
				await checkpointer.close();
			}
		});
});
