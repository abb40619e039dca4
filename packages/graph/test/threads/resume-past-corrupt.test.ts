import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { Command, human, isWeftError, START, StateGraph } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { RawSqlite } from "./raw-sqlite.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-resume-corrupt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const review = human("review", {
	request: z.object({ draft: z.string() }),
	response: z.object({ action: z.enum(["approve", "reject"]) }),
});

/**
 * A thread with two paused branches: A (older) whose pending writes (or, with `metadata`, its head's
 * metadata) are damaged, B (newest) healthy.
 */
async function twoBranches(
	threadId: string,
	damage: "writes" | "metadata" = "writes",
) {
	const path = join(dir, `${threadId}.db`);
	const checkpointer = new SqliteCheckpointer({ path });
	const graph = new StateGraph(
		z.object({ draft: z.string().default(""), sent: z.string().default("") }),
	)
		.addNode("write", (s) => ({ draft: `${s.draft}!` }))
		.addNode("approve", async (s, ctx) => {
			const answer = await review.ask(ctx, { draft: s.draft });
			return { sent: answer.action };
		})
		.addEdge(START, "write")
		.addEdge("write", "approve")
		.compile({ checkpointer });
	const a = await graph.run({ draft: "a" }, { threadId });
	let input = "";
	for await (const s of graph.getStateHistory({ threadId }))
		if (s.step === 0) input = s.checkpointId;
	const b = await graph.run(null, { threadId, checkpointId: input });
	expect(b.status).toBe("interrupted");
	const raw = new RawSqlite(path);
	raw
		.prepare(
			damage === "writes"
				? "UPDATE writes SET data = x'dead' WHERE thread_id = ? AND checkpoint_id = ?"
				: "UPDATE checkpoints SET metadata = '{not json' WHERE thread_id = ? AND checkpoint_id = ?",
		)
		.run(threadId, a.checkpointId);
	raw.close();
	return { graph, checkpointer, a, b };
}

describe("resuming a thread with a damaged branch", () => {
	it("a plain resume answers the newest, healthy branch without reading the others", async () => {
		const { graph, checkpointer, a } = await twoBranches("plain");
		try {
			// the damaged branch reads as such
			const damaged = await graph
				.getState({ threadId: "plain", checkpointId: a.checkpointId! })
				.catch((e: unknown) => e);
			expect(isWeftError(damaged, "CORRUPT_CHECKPOINT")).toBe(true);
			const done = await graph.run(
				new Command({ resume: { action: "approve" } }),
				{ threadId: "plain" },
			);
			expect(done.status).toBe("done");
			expect(done.values.sent).toBe("approve");
		} finally {
			checkpointer.close();
		}
	});

	it("an answer by id finds its healthy branch past a damaged one", async () => {
		const { graph, checkpointer, b } = await twoBranches("by-id");
		try {
			const id = b.interrupts[0]!.id;
			const done = await graph.run(
				new Command({ resume: { [id]: { action: "reject" } } }),
				{ threadId: "by-id" },
			);
			expect(done.values.sent).toBe("reject");
		} finally {
			checkpointer.close();
		}
	});

	it("a branch whose head's metadata is damaged: the other branch's state reads and is answered", async () => {
		const { graph, checkpointer, a, b } = await twoBranches("meta", "metadata");
		try {
			// the heads' summaries read each head's metadata: getState (every checkpoint's) failed on it
			const state = await graph.getState({ threadId: "meta" });
			expect(state.checkpointId).toBe(b.checkpointId);
			expect(state.heads).toEqual([b.checkpointId, a.checkpointId]);
			expect(state.interrupts).toHaveLength(1);
			const id = b.interrupts[0]!.id;
			const done = await graph.run(
				new Command({ resume: { [id]: { action: "approve" } } }),
				{ threadId: "meta" },
			);
			expect(done.values.sent).toBe("approve");
		} finally {
			checkpointer.close();
		}
	});

	it("an id pending on no readable head names the damaged branch", async () => {
		const { graph, checkpointer, a } = await twoBranches("lost");
		try {
			const error = await graph
				.run(
					new Command({
						resume: { "0123456789abcdef": { action: "approve" } },
					}),
					{
						threadId: "lost",
					},
				)
				.catch((e: unknown) => e);
			expect(isWeftError(error, "CORRUPT_CHECKPOINT")).toBe(true);
			expect((error as Error).message).toContain(a.checkpointId!);
			expect((error as Error).message).toContain("0123456789abcdef");
			expect((error as Error).message).toContain("branch 2");
		} finally {
			checkpointer.close();
		}
	});
});
