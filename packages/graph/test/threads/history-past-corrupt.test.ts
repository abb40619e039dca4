import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { isWeftError, START, StateGraph } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { RawSqlite } from "./raw-sqlite.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-corrupt-history-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a thread whose newest checkpoint is corrupt", () => {
	it("lists the checkpoints before it (the error names it) and forks from one that reads", async () => {
		const path = join(dir, "c.db");
		const checkpointer = new SqliteCheckpointer({ path });
		const graph = new StateGraph(z.object({ n: z.number().default(0) }))
			.addNode("a", (s) => ({ n: s.n + 1 }))
			.addNode("b", (s) => ({ n: s.n + 10 }))
			.addEdge(START, "a")
			.addEdge("a", "b")
			.compile({ checkpointer });
		try {
			await graph.invoke({}, { threadId: "t" });
			const ids: string[] = [];
			for await (const s of graph.getStateHistory({ threadId: "t" }))
				ids.push(s.checkpointId);
			const raw = new RawSqlite(path);
			raw
				.prepare("UPDATE checkpoints SET data = ? WHERE checkpoint_id = ?")
				.run(Buffer.from("garbage"), ids[0]);
			raw.close();
			const error = await graph
				.getState({ threadId: "t" })
				.catch((e: unknown) => e);
			expect(isWeftError(error, "CORRUPT_CHECKPOINT")).toBe(true);
			expect((error as Error).message).toContain(ids[0]);
			// as the hint says: the ones before the corrupt one, by its id
			expect((error as { hint?: string }).hint).toContain("before");
			const older: Array<{ id: string; n: number }> = [];
			for await (const s of graph.getStateHistory(
				{ threadId: "t" },
				{ before: ids[0] },
			))
				older.push({ id: s.checkpointId, n: s.values.n });
			expect(older.map((o) => o.id)).toEqual(ids.slice(1));
			expect(older[0]!.n).toBe(1);
			// and a fork from the newest that reads goes on
			const fork = await graph.updateState(
				{ threadId: "t", checkpointId: ids[1] },
				{ n: 5 },
				{ asNode: "a" },
			);
			const done = await graph.invoke(null, {
				threadId: "t",
				checkpointId: fork.checkpointId,
			});
			expect(done.n).toBe(15);
		} finally {
			await checkpointer.close();
		}
	});
});
