// `weft usage --json` and `weft stats --json` printed a thread's cost with float noise
// (0.30000000000000004): sums are rounded where they are made (decision 0244).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { END, START, StateGraph } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { weftSync as weft } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-cost-sums-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("weft usage and weft stats", () => {
	it("print cost totals without float noise", async () => {
		const path = join(dir, "weft.db");
		const checkpointer = new SqliteCheckpointer({ path });
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode("agent", (s, ctx) => {
				ctx.reportUsage({ model: "m", inputTokens: 1, costUsd: 0.1 });
				return { n: s.n + 1 };
			})
			.addEdge(START, "agent")
			.addEdge("agent", END)
			.compile({ checkpointer, name: "sums" });
		for (let i = 0; i < 3; i++) await graph.run({ n: 0 }, { threadId: "u" });
		checkpointer.close();
		const usage = weft(["--db", path, "--json", "usage", "u"]);
		expect(usage.code).toBe(0);
		expect(usage.json).toMatchObject({
			calls: 3,
			costUsd: 0.3,
			byModel: { m: { costUsd: 0.3 } },
			byNode: { agent: { costUsd: 0.3 } },
		});
		expect(usage.stdout).not.toMatch(/0\.3000000000/);
		const stats = weft(["--db", path, "--json", "stats"]);
		expect(stats.code).toBe(0);
		expect(stats.stdout).not.toMatch(/0\.3000000000|0\.2999999999/);
		expect(stats.json.models).toEqual([
			expect.objectContaining({ model: "m", costUsd: 0.3 }),
		]);
	});
});
