// A SQLite thread row damaged from outside: its cached branch heads, its lease expiry.
// Found from outside (chaos audit, 5 Dec): the SQLite thread row keeps its branch heads as a JSON array
// (`root_heads`, a cache of what the checkpoints say). Damaged (not JSON, or JSON but no array), it made
// getThread and listThreads throw a bare SyntaxError for every thread of the file (`weft threads`, `weft
// pending`: UNEXPECTED), and getState / a resume of the thread STORE_UNAVAILABLE "malformed JSON". The
// cache is derived data: one that does not read is computed again from the checkpoints.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { Command, human, START, StateGraph } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { RawSqlite } from "./raw-sqlite.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-heads-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const review = human("review", {
	request: z.object({ draft: z.string() }),
	response: z.object({ action: z.enum(["approve", "reject"]) }),
});

describe("a thread row whose cached branch heads do not read", () => {
	for (const damaged of ["{not json", "5", '{"a":1}'])
		it(`(${damaged}) is read from the checkpoints: listings, state and a resume work`, async () => {
			const path = join(dir, `${damaged.replace(/\W+/g, "-")}.db`);
			const checkpointer = new SqliteCheckpointer({ path });
			const graph = new StateGraph(
				z.object({
					draft: z.string().default(""),
					sent: z.string().default(""),
				}),
			)
				.addNode("write", (s) => ({ draft: `${s.draft}!` }))
				.addNode("approve", async (s, ctx) => ({
					sent: (await review.ask(ctx, { draft: s.draft })).action,
				}))
				.addEdge(START, "write")
				.addEdge("write", "approve")
				.compile({ checkpointer });
			try {
				const paused = await graph.run({ draft: "a" }, { threadId: "bad" });
				await graph.run({ draft: "b" }, { threadId: "ok" });
				const raw = new RawSqlite(path);
				raw
					.prepare("UPDATE threads SET root_heads = ? WHERE thread_id = 'bad'")
					.run(damaged);
				raw.close();

				const thread = await graph.getThread({ threadId: "bad" });
				expect(thread?.heads).toEqual([paused.checkpointId]);
				const listed = await checkpointer.listThreads();
				expect(listed.map((t) => [t.threadId, t.heads.length]).sort()).toEqual([
					["bad", 1],
					["ok", 1],
				]);
				expect(
					(await graph.getState({ threadId: "bad" })).interrupts,
				).toHaveLength(1);
				const done = await graph.run(
					new Command({ resume: { action: "approve" } }),
					{ threadId: "bad" },
				);
				expect(done.values.sent).toBe("approve");
				expect((await graph.getThread({ threadId: "bad" }))?.heads).toEqual([
					done.checkpointId,
				]);
			} finally {
				await checkpointer.close();
			}
		});
});

// Found from outside (chaos audit, 5 Dec): a lease expiry that is no time (text, or a number no Date
// holds) made `new Date(…).toISOString()` throw a bare RangeError for every listing of the file, and a
// far-future one kept the thread busy for ever. An expiry that does not read is a lapsed lease.
describe("a thread row whose lease expiry does not read", () => {
	for (const damaged of ["'soon'", "1e300", "-1e300", "x'00'"])
		it(`(${damaged}) reads as a lapsed lease: listings work, the thread is stale and can be run`, async () => {
			const path = join(dir, `lease-${damaged.replace(/\W+/g, "-")}.db`);
			const checkpointer = new SqliteCheckpointer({ path });
			const graph = new StateGraph(z.object({ n: z.number().default(0) }))
				.addNode("add", (s) => ({ n: s.n + 1 }))
				.addEdge(START, "add")
				.compile({ checkpointer });
			try {
				await graph.run({ n: 1 }, { threadId: "bad" });
				await graph.run({ n: 1 }, { threadId: "ok" });
				const raw = new RawSqlite(path);
				raw
					.prepare(
						`UPDATE threads SET status = 'running', lease_owner = 'gone', lease_token = lease_token + 1, lease_expires_at = ${damaged} WHERE thread_id = 'bad'`,
					)
					.run();
				raw.close();

				const thread = await graph.getThread({ threadId: "bad" });
				expect(thread?.status).toBe("stale");
				expect(thread?.lease?.expiresAt).toBe(new Date(0).toISOString());
				const listed = await checkpointer.listThreads();
				expect(listed.map((t) => [t.threadId, t.status]).sort()).toEqual([
					["bad", "stale"],
					["ok", "done"],
				]);
				expect(
					(await checkpointer.listThreads({ status: "stale" })).map(
						(t) => t.threadId,
					),
				).toEqual(["bad"]);
				const done = await graph.recover("bad");
				expect(done.values.n).toBe(2);
				const again = await graph.run({ n: 5 }, { threadId: "bad" });
				expect(again.values.n).toBe(6);
				expect((await graph.getThread({ threadId: "bad" }))?.status).toBe(
					"done",
				);
			} finally {
				await checkpointer.close();
			}
		});
});
