// Issue 16: `weft stats` shows the feedback given on the threads it covers, per graph, node and thread.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { recordFeedback } from "@weft/evals";
import { SqliteEvalStore } from "@weft/evals/sqlite";
import { END, START, StateGraph } from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { collectStats } from "../src/commands/stats-collect.ts";
import { weftSync as weft } from "./run-cli.ts";

describe("weft stats: feedback", () => {
	let dir: string;
	let path: string;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), "weft-stats-feedback-"));
		path = join(dir, "weft.db");
		const checkpointer = new SqliteCheckpointer({ path });
		const greeter = new StateGraph(z.object({ text: z.string() }))
			.addNode("draft", () => ({ text: "hi" }))
			.addNode("polish", (s) => ({ text: `${s.text}!` }))
			.addEdge(START, "draft")
			.addEdge("draft", "polish")
			.addEdge("polish", END)
			.compile({ checkpointer, name: "greeter" });
		const other = new StateGraph(z.object({ n: z.number() }))
			.addNode("count", (s) => ({ n: s.n + 1 }))
			.addEdge(START, "count")
			.addEdge("count", END)
			.compile({ checkpointer, name: "counter" });
		const a = await greeter.run({ text: "" }, { threadId: "g1" });
		await greeter.run({ text: "" }, { threadId: "g2" });
		await other.run({ n: 0 }, { threadId: "c1" });
		// the checkpoint written by the step that ran "draft" (the one whose next node is "polish")
		let afterDraft: string | undefined;
		for await (const c of checkpointer.list({ threadId: "g1" }))
			if (c.metadata.next?.includes("polish")) afterDraft = c.checkpointId;
		const store = new SqliteEvalStore({ path });
		await recordFeedback(store, { threadId: "g1", score: 1, label: "good" });
		await recordFeedback(store, {
			threadId: "g1",
			checkpointId: a.checkpointId,
			score: 0,
			label: "bad",
		});
		await recordFeedback(store, {
			threadId: "g1",
			checkpointId: afterDraft,
			score: 0.5,
		});
		await recordFeedback(store, { threadId: "g2", comment: "no score" });
		await recordFeedback(store, { threadId: "c1", score: 4, by: "ana" });
		await store.close?.();
		checkpointer.close();
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("aggregates scores per graph, node and thread: count, scored, mean, labels", async () => {
		const cp = new SqliteCheckpointer({ path });
		const store = new SqliteEvalStore({ path });
		const feedback = await store.listFeedback({});
		const all = await collectStats(cp, { feedback });
		expect(all.feedback!.total).toMatchObject({
			count: 5,
			scored: 4,
			meanScore: (1 + 0 + 0.5 + 4) / 4,
		});
		expect(all.feedback!.byGraph).toEqual([
			{ key: "counter", count: 1, scored: 1, meanScore: 4, labels: {} },
			{
				key: "greeter",
				count: 4,
				scored: 3,
				meanScore: 0.5,
				labels: { good: 1, bad: 1 },
			},
		]);
		// feedback on a checkpoint counts for the node(s) of the step that wrote it
		expect(
			all.feedback!.byNode.map((r) => [r.key, r.count, r.meanScore]),
		).toEqual([
			["draft", 1, 0.5],
			["polish", 1, 0],
		]);
		expect(
			all.feedback!.byThread.map((r) => [r.key, r.count, r.meanScore]),
		).toEqual([
			["c1", 1, 4],
			["g1", 3, 0.5],
			["g2", 1, null],
		]);
		const greeter = await collectStats(cp, { graph: "greeter", feedback });
		expect(greeter.feedback!.total?.count).toBe(4);
		expect(greeter.feedback!.byGraph.map((r) => r.key)).toEqual(["greeter"]);
		const future = await collectStats(cp, {
			feedback,
			since: new Date(Date.now() + 60_000),
		});
		expect(future.feedback!.total).toBeNull();
		// without feedback given, the report has no feedback part
		expect((await collectStats(cp, {})).feedback).toBeUndefined();
		await store.close?.();
		cp.close();
	});

	it("prints the feedback from the command line, as JSON and as a table", () => {
		const r = weft(["--db", path, "--json", "--graph", "counter", "stats"]);
		expect(r.stderr).toBe("");
		expect(r.code).toBe(0);
		expect(r.json.feedback.byGraph).toEqual([
			{ key: "counter", count: 1, scored: 1, meanScore: 4, labels: {} },
		]);
		const text = weft(["--db", path, "stats"]);
		expect(text.code).toBe(0);
		expect(text.stdout).toContain("mean score");
		expect(text.stdout).toMatch(/graph\s+│?\s*greeter/);
	});
});
