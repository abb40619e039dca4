import { HumanMessage } from "@langchain/core/messages";
import {
	contains,
	costBudget,
	evaluate,
	exact,
	jsonSchema,
	latencyBudget,
	MemoryEvalStore,
	regex,
	scorer,
	toolCalled,
} from "@weft/evals";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { approvalGraph, qaGraph, searchAgent } from "./graphs.ts";

const table = {
	"capital of France?": "Paris",
	"2+2?": "4",
	"colour of the sky?": "blue, mostly",
};
const dataset = [
	{
		id: "france",
		input: { question: "capital of France?" },
		expected: "Paris",
	},
	{ id: "sum", input: { question: "2+2?" }, expected: "4" },
	{ id: "sky", input: { question: "colour of the sky?" }, expected: "blue" },
];

describe("evaluate", () => {
	it("runs each case in its own thread and scores it; the report says what passed", async () => {
		const { graph } = qaGraph(table);
		const report = await evaluate(graph, dataset, [exact(), contains()], {
			runId: "r1",
			concurrency: 2,
		});
		expect(report.cases.map((c) => [c.caseId, c.threadId, c.pass])).toEqual([
			["france", "r1:france", true],
			["sum", "r1:sum", true],
			["sky", "r1:sky", false],
		]);
		expect(report.cases[2]!.scores).toEqual({
			exact: {
				score: 0,
				pass: false,
				reason: "expected blue, got blue, mostly",
			},
			contains: { score: 1, pass: true, reason: "all found" },
		});
		expect(report.summary).toMatchObject({
			cases: 3,
			passed: 2,
			passRate: 2 / 3,
			byScorer: {
				exact: { passed: 2, failed: 1 },
				contains: { passed: 3, failed: 0, mean: 1 },
			},
		});
		expect((await graph.getState({ threadId: "r1:sky" })).values.answer).toBe(
			"blue, mostly",
		);
	});

	it("refuses a regex scorer whose pattern is no regular expression (CONFIG_INVALID)", () => {
		expect(() => regex("(")).toThrow(
			expect.objectContaining({ code: "CONFIG_INVALID" }),
		);
		expect(regex("a(b)?").name).toBe("regex");
	});

	it("scores with regex, JSON schema, custom functions and budgets (latency on an injected clock)", async () => {
		const { graph } = qaGraph({
			json: '{"name": "Ada", "age": 36}',
			bad: '{"name": 1}',
		});
		let now = 0;
		const slowFor = new Set(["bad"]);
		const report = await evaluate(
			graph,
			[
				{ id: "json", input: { question: "json" } },
				{ id: "bad", input: { question: "bad" } },
			],
			[
				regex(/"name"/),
				jsonSchema(z.object({ name: z.string(), age: z.number() })),
				{
					...jsonSchema({
						type: "object",
						required: ["name"],
						properties: { name: { type: "string" } },
					}),
					name: "json-schema-2",
				},
				scorer("short", (run) => String(run.output).length < 30),
				latencyBudget(100),
				costBudget(0.01),
			],
			{
				concurrency: 1,
				clock: () => now,
				output: (v: { question: string; answer: string }) => {
					if (slowFor.has(v.question)) now += 500; // the "bad" case is slow
					return v.answer;
				},
			},
		);
		const [ok, bad] = report.cases;
		expect(Object.values(ok!.scores).every((s) => s.pass)).toBe(true);
		expect(ok!.scores.cost).toMatchObject({
			pass: true,
			reason: "no model calls",
		});
		expect(bad!.scores["json-schema"]).toMatchObject({ pass: false });
		expect(bad!.scores["json-schema-2"]!.reason).toMatch(/name/);
		expect(report.summary.byScorer.regex).toMatchObject({ passed: 2 });
	});

	it("checks tool calls with arguments, and the agent's usage", async () => {
		const report = await evaluate(
			searchAgent(),
			[
				{
					id: "q",
					input: "what is weft?",
					expected: "graph runtime",
				},
			],
			[
				toolCalled("search", { query: "weft" }),
				{ ...toolCalled("search", { query: "other" }), name: "wrong-args" },
				toolCalled("fetch"),
				contains(),
			],
			{ input: (text: string) => ({ messages: [new HumanMessage(text)] }) },
		);
		const c = report.cases[0]!;
		expect(c.error).toBeUndefined();
		expect(c.toolCalls).toEqual([
			{ name: "search", args: { query: "weft", limit: 3 } },
		]);
		expect(c.scores["tool:search"]!.pass).toBe(true);
		expect(c.scores["wrong-args"]!.reason).toBe(
			'called, but never with {"query":"other"} (got {"query":"weft","limit":3})',
		);
		expect(c.scores["tool:fetch"]!.reason).toBe(
			'"fetch" was not called (called: search)',
		);
		expect(c.scores.contains!.pass).toBe(true);
		expect(c.usage.totalTokens).toBeGreaterThan(100);
	});

	it("answers human checkpoints from the case's answers; a case that runs out of answers stays interrupted", async () => {
		const graph = approvalGraph();
		const report = await evaluate(
			graph,
			[
				{
					id: "yes",
					input: { request: "hi" },
					answers: [{ action: "approve" }],
					expected: "sent Reply: hi",
				},
				{
					id: "no",
					input: { request: "hi" },
					answers: [{ action: "reject", reason: "tone" }],
					expected: "not sent (tone)",
				},
				{ id: "none", input: { request: "hi" }, expected: "sent Reply: hi" },
			],
			[exact()],
		);
		expect(report.cases.map((c) => [c.status, c.pass, c.answersUsed])).toEqual([
			["done", true, 1],
			["done", true, 1],
			["interrupted", false, 0],
		]);
		expect(report.cases[2]!.error?.message).toBe(
			"a human checkpoint is waiting, and the case has no answer 1",
		);
	});

	it("records a failing graph as an error result and goes on with the other cases", async () => {
		const { graph, failOnce } = qaGraph(table);
		failOnce.add("2+2?");
		const report = await evaluate(graph, dataset, [exact()]);
		expect(report.cases[1]).toMatchObject({
			status: "error",
			pass: false,
			error: { code: "NODE_FAILED" },
		});
		expect(report.cases[1]!.error!.message).toMatch(/lookup broke/);
		expect(report.summary.passed).toBe(1);
	});

	it("an input or output mapping that throws on one case is that case's error; the other cases go on (decision 0156)", async () => {
		// a throw here rejected the whole evaluate (and marked the stored run failed)
		const { graph } = qaGraph(table);
		const store = new MemoryEvalStore();
		const report = await evaluate(graph, dataset, [exact()], {
			store,
			runId: "mapping",
			input: (input, c) => {
				if (c.id === dataset[0]!.id) throw new Error("no question here");
				return input;
			},
			output: (values) => {
				if (
					(values as { question?: string }).question ===
					dataset[2]!.input.question
				)
					throw new Error("cannot read the answer");
				return (values as { answer?: string }).answer;
			},
		});
		expect(report.cases.map((c) => [c.status, c.pass])).toEqual([
			["error", false],
			["done", true],
			["error", false],
		]);
		expect(report.cases[0]!.error!.message).toContain("no question here");
		expect(report.cases[0]!.error!.message).toContain("input");
		expect(report.cases[2]!.error!.message).toContain("cannot read the answer");
		expect(report.cases[2]!.error!.message).toContain("output");
		expect((await store.getRun("mapping"))?.status).toBe("done");
	});

	it("a scorer that throws fails its score, not the run; duplicate scorer names are refused", async () => {
		const { graph } = qaGraph(table);
		const report = await evaluate(graph, dataset.slice(0, 1), [
			scorer("broken", () => {
				throw new Error("oops");
			}),
		]);
		expect(report.cases[0]!.scores.broken).toEqual({
			score: 0,
			pass: false,
			reason: "the scorer failed: oops",
			error: { message: "oops" },
		});
		await expect(
			evaluate(graph, dataset, [exact(), exact()]),
		).rejects.toMatchObject({ code: "CONFIG_INVALID" });
		await expect(
			evaluate(graph, [{ id: "x" } as never], [exact()]),
		).rejects.toMatchObject({ code: "DATASET_INVALID" });
	});

	it("resumes after a crash: finished cases are kept, the case under way continues from its checkpoint", async () => {
		const { graph, calls, beforePolish } = qaGraph(table);
		const store = new MemoryEvalStore();
		const abort = new AbortController();
		// the process "dies" after the third case's first step: its second node never finishes
		beforePolish.current = (q) => {
			if (q === "colour of the sky?")
				abort.abort(new Error("the process died"));
		};
		const first = await evaluate(graph, dataset, [contains()], {
			runId: "crashy",
			store,
			concurrency: 1,
			signal: abort.signal,
		}).catch((e: unknown) => e);
		expect(first).toBeInstanceOf(Error);
		expect((await store.listCases("crashy")).map((c) => c.status)).toEqual([
			"done",
			"done",
			"running",
		]);
		// evaluate threw, so the run is marked failed (a process that really dies leaves it "running"); either resumes
		expect(await store.getRun("crashy")).toMatchObject({
			status: "failed",
			error: {
				code: "RUN_CANCELLED",
				message: 'evaluation run "crashy" was cancelled: the process died',
			},
		});
		// other scorers would leave the finished cases with the old scorer's results (decision 0158)
		const other = await evaluate(graph, dataset, [exact()], {
			runId: "crashy",
			store,
		}).catch((e: unknown) => e);
		expect(other).toMatchObject({
			code: "CONFIG_INVALID",
			hint: expect.any(String),
		});
		expect((other as Error).message).toContain("contains");
		const again = await evaluate(graph, dataset, [contains()], {
			runId: "crashy",
			store,
		});
		expect(again.resumed).toBe(2);
		expect(again.cases.map((c) => c.status)).toEqual(["done", "done", "done"]);
		expect(calls["capital of France?"]).toBe(1); // not run again
		expect((await store.getRun("crashy"))!.status).toBe("done");
	});
});
