// Cost totals showed float noise (0.1 + 0.2 → 0.30000000000000004 in RunResult.usage, threadUsage and
// `weft usage --json`): sums are rounded to 1e-12 of a dollar where they are made (decision 0244).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { END, START, StateGraph, threadUsage } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

const dir = mkdtempSync(join(tmpdir(), "weft-cost-sums-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cost totals", () => {
	it("add up without float noise in a run, by node and model, and over a thread's runs", async () => {
		const checkpointer = new SqliteCheckpointer({ path: join(dir, "t.db") });
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode("agent", (s, ctx) => {
				ctx.reportUsage({ model: "m", inputTokens: 1, costUsd: 0.1 });
				ctx.reportUsage({ model: "m", inputTokens: 1, costUsd: 0.2 });
				return { n: s.n + 1 };
			})
			.addEdge(START, "agent")
			.addEdge("agent", END)
			.compile({ checkpointer });
		const first = await graph.run({ n: 0 }, { threadId: "t" });
		expect(first.usage).toMatchObject({
			costUsd: 0.3,
			byNode: { agent: { costUsd: 0.3 } },
			byModel: { m: { costUsd: 0.3 } },
		});
		await graph.run({ n: 0 }, { threadId: "t" });
		await graph.run({ n: 0 }, { threadId: "t" });
		const total = await threadUsage(checkpointer, "t");
		expect(total.costUsd).toBe(0.9);
		expect(total.byModel.m?.costUsd).toBe(0.9);
		expect(total.byNode.agent?.costUsd).toBe(0.9);
		checkpointer.close();
	});
});
