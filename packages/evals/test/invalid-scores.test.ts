import {
	type EvalStore,
	evaluate,
	exact,
	MemoryEvalStore,
	type Scorer,
	scorer,
} from "@weft/evals";
import { describe, expect, it } from "vitest";
import { qaGraph } from "./graphs.ts";

const table = { a: "A", b: "B", c: "C" };
const dataset = [
	{ id: "a", input: { question: "a" }, expected: "A" },
	{ id: "b", input: { question: "b" }, expected: "B" },
	{ id: "c", input: { question: "c" }, expected: "C" },
];

const returning = (name: string, value: unknown): Scorer =>
	scorer(name, () => value as never);

describe("a scorer's value that is no score fails that score only, typed", () => {
	it("undefined, strings, NaN, numbers outside [0, 1] and malformed objects fail with VALIDATION_FAILED naming the scorer", async () => {
		const { graph } = qaGraph(table);
		const bad: Record<string, unknown> = {
			undef: undefined,
			nul: null,
			text: "yes",
			nan: Number.NaN,
			inf: Number.POSITIVE_INFINITY,
			two: 2,
			negative: -1,
			"nan-pass": { score: Number.NaN, pass: true },
			"no-pass": { score: 1 },
			"string-pass": { score: 1, pass: "yes" },
			"number-reason": { score: 1, pass: true, reason: 5 },
			"score-3": { score: 3, pass: true },
			array: [1],
		};
		const report = await evaluate(graph, dataset.slice(0, 1), [
			exact(),
			...Object.entries(bad).map(([name, value]) => returning(name, value)),
		]);
		const c = report.cases[0]!;
		expect(c.status).toBe("done");
		expect(c.pass).toBe(false);
		expect(c.scores.exact).toMatchObject({ pass: true, score: 1 });
		for (const name of Object.keys(bad)) {
			const s = c.scores[name]!;
			expect(s, name).toMatchObject({
				score: 0,
				pass: false,
				error: { code: "VALIDATION_FAILED" },
			});
			expect(s.reason, name).toContain(`scorer "${name}"`);
			expect(s.error!.message, name).toContain(`scorer "${name}"`);
		}
		expect(report.summary.byScorer.undef).toEqual({
			mean: 0,
			passed: 0,
			failed: 1,
		});
	});

	it("valid values still score: booleans, numbers in [0, 1], { score, pass, reason }", async () => {
		const { graph } = qaGraph(table);
		const report = await evaluate(graph, dataset.slice(0, 1), [
			returning("yes", true),
			returning("no", false),
			returning("zero", 0),
			returning("half", 0.5),
			returning("one", 1),
			returning("object", { score: 0.25, pass: true, reason: "fine" }),
			returning("bare", { score: 1, pass: false }),
		]);
		const s = report.cases[0]!.scores;
		expect(s).toEqual({
			yes: { score: 1, pass: true },
			no: { score: 0, pass: false },
			zero: { score: 0, pass: false },
			half: { score: 0.5, pass: true },
			one: { score: 1, pass: true },
			object: { score: 0.25, pass: true, reason: "fine" },
			bare: { score: 1, pass: false },
		});
	});

	it("a scorer that throws keeps its error's code; the mean is over the scores that are valid", async () => {
		const { graph } = qaGraph(table);
		const report = await evaluate(graph, dataset, [
			scorer("mostly", (run) =>
				run.caseId === "b" ? Number.NaN : run.caseId === "a" ? 1 : 0.5,
			),
			scorer("broken", () => {
				throw new Error("oops");
			}),
		]);
		expect(report.summary.byScorer.mostly).toEqual({
			mean: 0.75,
			passed: 2,
			failed: 1,
		});
		expect(report.cases[1]!.scores.mostly!.error!.code).toBe(
			"VALIDATION_FAILED",
		);
		expect(report.cases[0]!.scores.broken).toEqual({
			score: 0,
			pass: false,
			reason: "the scorer failed: oops",
			error: { message: "oops" },
		});
		expect(report.summary.byScorer.broken).toEqual({
			mean: 0,
			passed: 0,
			failed: 3,
		});
		const json = JSON.parse(JSON.stringify(report.summary));
		expect(json.byScorer.mostly.mean).toBe(0.75);
	});

	it("a scorer returning undefined on one case does not stop the run: it ends done", async () => {
		const { graph } = qaGraph(table);
		const store = new MemoryEvalStore();
		const report = await evaluate(
			graph,
			dataset,
			[
				scorer("forgot", (run) =>
					run.caseId === "b" ? (undefined as never) : true,
				),
			],
			{ runId: "forgot", store, concurrency: 1 },
		);
		expect(report.cases.map((c) => c.pass)).toEqual([true, false, true]);
		expect((await store.getRun("forgot"))!.status).toBe("done");
		expect((await store.listCases("forgot")).map((c) => c.status)).toEqual([
			"done",
			"done",
			"done",
		]);
	});
});

describe("if evaluate throws, the stored run does not stay running", () => {
	it("a store that fails mid-run leaves the run failed, with the error", async () => {
		const { graph } = qaGraph(table);
		const store = new MemoryEvalStore();
		let puts = 0;
		const flaky: EvalStore = {
			putRun: (r) => store.putRun(r),
			getRun: (id) => store.getRun(id),
			listRuns: (n) => store.listRuns(n),
			listCases: (id) => store.listCases(id),
			addFeedback: (f) => store.addFeedback(f),
			listFeedback: (f) => store.listFeedback(f),
			putCase: async (id, c) => {
				puts += 1;
				if (puts === 3) throw new Error("disk full");
				await store.putCase(id, c);
			},
		};
		const error = await evaluate(graph, dataset, [exact()], {
			runId: "flaky",
			store: flaky,
			concurrency: 1,
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		const run = await store.getRun("flaky");
		expect(run).toMatchObject({
			status: "failed",
			error: { message: "disk full" },
		});
		expect(run!.finishedAt).toEqual(expect.any(String));
		// the same run id resumes it, and it ends done
		const again = await evaluate(graph, dataset, [exact()], {
			runId: "flaky",
			store,
		});
		expect(again.summary.passed).toBe(3);
		const done = await store.getRun("flaky");
		expect(done!.status).toBe("done");
		expect(done!.error).toBeUndefined();
	});
});
