import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { END, MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseSince } from "../src/commands/stats.ts";
import { collectStats, latency } from "../src/commands/stats-collect.ts";
import { damageNewestCheckpoint, weftSync as weft } from "./run-cli.ts";

describe("weft stats", () => {
	let dir: string;
	let path: string;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), "weft-stats-"));
		path = join(dir, "weft.db");
		const checkpointer = new SqliteCheckpointer({ path });
		// a node that calls a "model" and reports its figures, as the LLM layer does
		const agent = new StateGraph(z.object({ text: z.string() }))
			.addNode("agent", (_s, ctx) => {
				ctx.reportUsage({
					model: "m-small",
					inputTokens: 10,
					outputTokens: 2,
					costUsd: 0.001,
					durationMs: 12.5,
				});
				return { text: "hi" };
			})
			.addEdge(START, "agent")
			.addEdge("agent", END)
			.compile({ checkpointer, name: "greeter" });
		for (const t of ["a", "b", "c"])
			await agent.run({ text: "hello" }, { threadId: t });
		const failing = new StateGraph(z.object({ n: z.number() }))
			.addNode("boom", () => {
				throw new Error("boom");
			})
			.addEdge(START, "boom")
			.addEdge("boom", END)
			.compile({ checkpointer, name: "fails" });
		await expect(failing.run({ n: 1 }, { threadId: "f" })).rejects.toThrow();
		checkpointer.close();
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("computes latency per node and model, tokens, cost and errors from the store", async () => {
		const cp = new SqliteCheckpointer({ path });
		const all = await collectStats(cp, {});
		expect(all.threads).toBe(4);
		const agentNode = all.nodes.find((n) => n.node === "agent")!;
		expect(agentNode.count).toBe(3);
		expect(agentNode.p50).toBeGreaterThanOrEqual(0);
		expect(agentNode.p99).toBeGreaterThanOrEqual(agentNode.p50);
		const small = all.models.find((m) => m.model === "m-small")!;
		expect(small).toMatchObject({
			count: 3,
			p50: 12.5,
			calls: 3,
			inputTokens: 30,
			outputTokens: 6,
		});
		expect(small.costUsd).toBeCloseTo(0.003);
		expect(all.errors).toEqual([{ code: "NODE_FAILED", count: 1, rate: 0.25 }]);
		const greeter = await collectStats(cp, { graph: "greeter" });
		expect(greeter.threads).toBe(3);
		expect(greeter.errors).toEqual([]);
		const future = await collectStats(cp, {
			since: new Date(Date.now() + 60_000),
		});
		expect(future.threads).toBe(0);
		cp.close();
	});

	it("reads past a damaged thread: the others' figures, and a warning naming it", () => {
		const damaged = join(dir, "damaged.db");
		copyFileSync(path, damaged);
		damageNewestCheckpoint(damaged, "b");
		const r = weft(["--db", damaged, "--json", "stats"]);
		expect(r.code).toBe(0);
		expect(r.json.threads).toBe(4);
		expect(r.json.errors).toEqual([
			{ code: "NODE_FAILED", count: 1, rate: 0.25 },
		]);
		expect(r.json.unreadable).toEqual([
			{ threadId: "b", error: expect.stringContaining("is corrupt") },
		]);
		expect(r.stderr).toContain("warning: could not read thread b");
		const text = weft(["--db", damaged, "stats"]);
		expect(text.code).toBe(0);
		expect(text.stdout).toContain("agent");
		expect(text.stderr).toContain("warning: could not read thread b");
	});

	it("prints the figures as JSON from the command line", () => {
		const r = weft([
			"--db",
			path,
			"--json",
			"--graph",
			"greeter",
			"stats",
			"--since",
			"1h",
		]);
		expect(r.stderr).toBe("");
		expect(r.code).toBe(0);
		expect(r.json.graph).toBe("greeter");
		expect(r.json.models[0]).toMatchObject({ model: "m-small", calls: 3 });
		const text = weft(["--db", path, "stats"]);
		expect(text.code).toBe(0);
		expect(text.stdout).toContain("p95");
		expect(text.stdout).toContain("NODE_FAILED");
	});

	it("reads --since as a duration or a date, and refuses anything else", () => {
		const now = Date.parse("2026-01-01T12:00:00Z");
		expect(parseSince("1h", now).toISOString()).toBe(
			"2026-01-01T11:00:00.000Z",
		);
		expect(parseSince("2026-01-01", now).toISOString()).toBe(
			"2026-01-01T00:00:00.000Z",
		);
		expect(() => parseSince("soon")).toThrow(/neither a duration nor a date/);
		expect(weft(["stats", "--since", "soon"]).code).not.toBe(0);
	});

	it("takes nearest-rank percentiles", () => {
		const l = latency(Array.from({ length: 100 }, (_, i) => i + 1));
		expect(l).toEqual({ count: 100, p50: 50, p95: 95, p99: 99 });
	});
});

describe("collectStats across runs", () => {
	it("finds a thread's graph named by an earlier run, and counts only the steps since `since`", async () => {
		const checkpointer = new MemoryCheckpointer();
		const chain = new StateGraph(z.object({ n: z.number() }))
			.addNode("a", (s) => ({ n: s.n + 1 }))
			.addNode("b", (s) => ({ n: s.n + 1 }))
			.addEdge(START, "a")
			.addEdge("a", "b")
			.addEdge("b", END)
			.compile({ checkpointer, name: "chain" });
		await chain.invoke({ n: 0 }, { threadId: "t" });
		await new Promise((r) => setTimeout(r, 20));
		const since = new Date();
		await new Promise((r) => setTimeout(r, 20));
		await chain.invoke({ n: 0 }, { threadId: "t" });
		const all = await collectStats(checkpointer, { graph: "chain" });
		expect(all.threads).toBe(1);
		expect(all.nodes.map((n) => [n.node, n.count])).toEqual([
			["a", 2],
			["b", 2],
		]);
		const recent = await collectStats(checkpointer, { graph: "chain", since });
		expect(recent.threads).toBe(1);
		expect(recent.nodes.map((n) => [n.node, n.count])).toEqual([
			["a", 1],
			["b", 1],
		]);
		expect((await collectStats(checkpointer, { graph: "other" })).threads).toBe(
			0,
		);
	});
});

describe("collectStats of a node that failed once", () => {
	it("counts its tasks as attempts (completed and failed), as the error rate does", async () => {
		const checkpointer = new MemoryCheckpointer();
		let posts = 0;
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode("pre", (s) => ({ n: s.n + 1 }))
			.addNode("post", (s) => {
				if (++posts === 1) throw new Error("flaky");
				return { n: s.n + 1 };
			})
			.addEdge(START, "pre")
			.addEdge("pre", "post")
			.addEdge("post", END)
			.compile({ checkpointer, name: "pipe" });
		await expect(graph.run({ n: 0 }, { threadId: "a" })).rejects.toThrow();
		await graph.run(null, { threadId: "a" }); // post runs again and completes
		await graph.run({ n: 0 }, { threadId: "b" });
		const r = await collectStats(checkpointer, { graph: "pipe" });
		// pre: 2 tasks; post: 3 tasks (1 failed, then 2 completed)
		const post = r.nodes.find((n) => n.node === "post")!;
		expect(post).toMatchObject({ count: 3, errors: 1 });
		expect(r.nodes.find((n) => n.node === "pre")).toMatchObject({
			count: 2,
			errors: 0,
		});
		const tasks = r.nodes.reduce((n, x) => n + x.count, 0);
		expect(r.errors).toEqual([
			{ code: "NODE_FAILED", count: 1, rate: 1 / tasks },
		]);
		expect(tasks).toBe(5);
	});
});

describe("costs with unpriced calls", () => {
	it("says how many calls a cost leaves out (no price for their model), in weft usage and weft stats", async () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-unpriced-"));
		try {
			const path = join(dir, "weft.db");
			const checkpointer = new SqliteCheckpointer({ path });
			const graph = new StateGraph(z.object({ text: z.string() }))
				.addNode("agent", (_s, ctx) => {
					ctx.reportUsage({ model: "m", inputTokens: 10, costUsd: 0.001 });
					ctx.reportUsage({ model: "m", inputTokens: 10 });
					return { text: "hi" };
				})
				.addEdge(START, "agent")
				.addEdge("agent", END)
				.compile({ checkpointer, name: "mixed" });
			await graph.run({ text: "hello" }, { threadId: "u" });
			const stats = await collectStats(checkpointer, {});
			expect(stats.models).toEqual([
				expect.objectContaining({ model: "m", calls: 2, unpricedCalls: 1 }),
			]);
			checkpointer.close();
			const text = weft(["--db", path, "usage", "u"]);
			expect(text.code).toBe(0);
			expect(text.stdout).toContain("$0.001000 + 1 unpriced");
			const json = weft(["--db", path, "--json", "usage", "u"]);
			expect(json.json).toMatchObject({ calls: 2, unpricedCalls: 1 });
			expect(weft(["--db", path, "stats"]).stdout).toContain("+ 1 unpriced");
			expect(weft(["--db", path, "logs", "u"]).stdout).toContain(
				"+ 1 unpriced",
			);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
