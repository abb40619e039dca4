import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@weft/checkpoint-sqlite";
import { Command, MemoryStore } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { createResearchAssistant } from "../src/graph.ts";
import { modelsFromEnv } from "../src/models.ts";
import { loadPassages, recallAtK } from "../src/recall-eval.ts";
import { REPORTS } from "../src/report-memory.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-ra-memory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function research(
	store: SqliteStore,
	question: string,
	threadId: string,
) {
	const models = await modelsFromEnv({});
	const graph = createResearchAssistant({ ...models, store });
	const config = { threadId, recursionLimit: 60 };
	const paused = await graph.run(
		{ question, outDir: join(dir, "reports") },
		config,
	);
	expect(paused.status).toBe("interrupted");
	return graph.run(new Command({ resume: { action: "approve" } }), config);
}

describe("research assistant memory", () => {
	it("remembers reports and cites the earlier one in a later run on a related question (offline, full text)", async () => {
		const store = new SqliteStore({ path: join(dir, "memory.db") });
		try {
			const first = await research(
				store,
				"What did presidents propose about education?",
				"first",
			);
			expect(first.values.pastReports).toEqual([]);
			expect(first.values.report).not.toContain("## Earlier reports");
			const remembered = await store.get(REPORTS, "first");
			expect(remembered?.value).toMatchObject({
				question: "What did presidents propose about education?",
			});
			const second = await research(
				store,
				"How did presidents want to improve schools and education?",
				"second",
			);
			expect(second.values.pastReports.map((p) => p.key)).toEqual(["first"]);
			expect(second.values.report).toContain("## Earlier reports");
			expect(second.values.report).toContain(
				"[report:first] What did presidents propose about education?",
			);
			expect((await store.list(REPORTS)).map((i) => i.key).sort()).toEqual([
				"first",
				"second",
			]);
		} finally {
			await store.close();
		}
	}, 60_000);

	it("finds the right document in the top 5 for most labelled questions (recall@5)", async () => {
		const ns = ["corpus"];
		const stores = [
			new MemoryStore(),
			new SqliteStore({ path: join(dir, "eval.db") }),
		];
		for (const store of stores) {
			await loadPassages(store, ns);
			const recall = await recallAtK(store, ns, 5);
			expect(recall).toBeGreaterThanOrEqual(0.8);
			await store.close();
		}
	}, 60_000);
});
