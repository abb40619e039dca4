// Found from outside (chaos audit, 5 Dec): the SQLite thread row keeps its branch heads as a JSON array
// (`root_heads`, a cache of what the checkpoints say). Damaged (not JSON, or JSON but no array), it made
// getThread and listThreads throw a bare SyntaxError for every thread of the file (`weft threads`, `weft
// pending`: UNEXPECTED), and getState / a resume of the thread STORE_UNAVAILABLE "malformed JSON". The
// cache is derived data: one that does not read is computed again from the checkpoints.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { Command, human, START, StateGraph } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

// the SQLite driver of the store's package (this package does not depend on it), to damage a row
const Database = createRequire(
	join(import.meta.dirname, "../../../checkpoint-sqlite/package.json"),
)("better-sqlite3") as new (
	path: string,
) => {
	prepare(sql: string): { run(...values: unknown[]): unknown };
	close(): void;
};
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
				const raw = new Database(path);
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
