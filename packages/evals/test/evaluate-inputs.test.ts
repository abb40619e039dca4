import { isWeftError } from "@weft/checkpoint";
import {
	contains,
	costBudget,
	type EvalCase,
	evaluate,
	exact,
	latencyBudget,
	MemoryEvalStore,
	parseJsonl,
} from "@weft/evals";
import { describe, expect, it } from "vitest";
import { qaGraph } from "./graphs.ts";

const table = { "capital of France?": "Paris" };
const dataset = [
	{
		id: "france",
		input: { question: "capital of France?" },
		expected: "Paris",
	},
];

describe("evaluate refuses what it cannot run, with a typed error", () => {
	it("a concurrency that is not a whole number >= 1 is CONFIG_INVALID", async () => {
		const { graph } = qaGraph(table);
		for (const concurrency of [0, -1, 1.5, Number.NaN]) {
			const error = await evaluate(graph, dataset, [exact()], {
				concurrency,
			}).catch((e) => e);
			expect(isWeftError(error, "CONFIG_INVALID"), String(concurrency)).toBe(
				true,
			);
			expect(error.hint).toEqual(expect.any(String));
		}
	});

	it("a dataset that is not an array, or has no case, is DATASET_INVALID", async () => {
		const { graph } = qaGraph(table);
		for (const bad of ["nope", null, { id: "a" }, []]) {
			const error = await evaluate(graph, bad as unknown as EvalCase[], [
				exact(),
			]).catch((e) => e);
			expect(isWeftError(error, "DATASET_INVALID"), JSON.stringify(bad)).toBe(
				true,
			);
			expect(error.hint).toEqual(expect.any(String));
		}
		expect(() => parseJsonl("// only a comment\n")).toThrow(
			expect.objectContaining({ code: "DATASET_INVALID" }),
		);
	});

	// outside checks (6 Dec), each refused before any case runs
	it("a run id with a ':' (two runs' cases could share a thread) is CONFIG_INVALID", async () => {
		const { graph } = qaGraph(table);
		const error = await evaluate(graph, dataset, [exact()], {
			runId: "a:b",
		}).catch((e) => e);
		expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
		expect(error.message).toContain('"a:b"');
	});

	it("a case whose thread id cannot be stored (too long, a NUL) is DATASET_INVALID naming it, before any case runs", async () => {
		const { graph, calls } = qaGraph(table);
		for (const id of ["x".repeat(600), "a\u0000b"]) {
			const error = await evaluate(
				graph,
				[...dataset, { id, input: { question: "capital of France?" } }],
				[exact()],
				{ runId: "v1" },
			).catch((e) => e);
			expect(isWeftError(error, "DATASET_INVALID"), id.slice(0, 5)).toBe(true);
			expect(error.message).toContain("case 2");
		}
		expect(calls).toEqual({});
	});

	it("resuming a run id with other cases is CONFIG_INVALID; the stored run is left as it was", async () => {
		const { graph } = qaGraph(table);
		const store = new MemoryEvalStore();
		const two = [...dataset, { id: "spain", input: { question: "?" } }];
		await evaluate(graph, two, [exact()], { runId: "v1", store });
		const before = await store.getRun("v1");
		const error = await evaluate(graph, dataset, [exact()], {
			runId: "v1",
			store,
		}).catch((e) => e);
		expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
		expect(error.message).toContain("other cases (2)");
		expect(await store.getRun("v1")).toEqual(before);
		expect(await store.listCases("v1")).toHaveLength(2);
		// the same cases resume it (all kept)
		const again = await evaluate(graph, two, [exact()], { runId: "v1", store });
		expect(again.resumed).toBe(2);
	});

	it("a cancel is RUN_CANCELLED, stored with the run, saying how to resume", async () => {
		const { graph, beforePolish } = qaGraph(table);
		const store = new MemoryEvalStore();
		const stop = new AbortController();
		beforePolish.current = () => stop.abort(new Error("interrupted by Ctrl-C"));
		const error = await evaluate(graph, dataset, [exact()], {
			runId: "vc",
			store,
			signal: stop.signal,
		}).catch((e) => e);
		expect(isWeftError(error, "RUN_CANCELLED")).toBe(true);
		expect(error.hint).toContain('runId "vc"');
		expect(await store.getRun("vc")).toMatchObject({
			status: "failed",
			error: { code: "RUN_CANCELLED" },
		});
	});

	it("parseJsonl names a bad case by its line in the file", () => {
		const text = '// cases\n\n{"id":"a","input":1}\n{"id":"b"}\n';
		expect(() => parseJsonl(text, "f.jsonl")).toThrow(
			expect.objectContaining({
				code: "DATASET_INVALID",
				message: expect.stringContaining("f.jsonl:4"),
			}),
		);
	});

	it("exact() and contains() on a case without `expected` fail and say why (not a silent miss or pass)", async () => {
		const { graph } = qaGraph(table);
		const report = await evaluate(
			graph,
			[{ id: "france", input: { question: "capital of France?" } }],
			[exact(), contains()],
		);
		const scores = report.cases[0]!.scores;
		for (const name of ["exact", "contains"]) {
			expect(scores[name]).toMatchObject({ pass: false, score: 0 });
			expect(scores[name]!.reason).toContain("no `expected`");
		}
		// A fixed value needs no `expected`.
		const fixed = await evaluate(
			graph,
			[{ id: "france", input: { question: "capital of France?" } }],
			[exact({ value: "Paris" })],
		);
		expect(fixed.cases[0]!.pass).toBe(true);
	});

	it("a graph, scorers or options of the wrong kind are CONFIG_INVALID, not TypeErrors", async () => {
		// each of these was a TypeError ("scorers is not iterable", "options.input is not a function", …)
		const { graph } = qaGraph(table);
		const cases: [unknown, unknown, unknown, string][] = [
			[{}, [exact()], {}, "graph"],
			[graph, exact(), {}, "scorers"],
			[graph, [null], {}, "scorers[0]"],
			[graph, [{ name: "s" }], {}, "scorers[0]"],
			[graph, [exact()], { input: 5 }, "input"],
			[graph, [exact()], { output: "answer" }, "output"],
			[graph, [exact()], { clock: 1 }, "clock"],
			[graph, [exact()], { onCase: true }, "onCase"],
			[graph, [exact()], { runId: "" }, "runId"],
			[graph, [exact()], { runId: 5 }, "runId"],
			// a store without its methods was a TypeError ("store.getRun is not a function")
			[graph, [exact()], { store: {} }, "store"],
			[graph, [exact()], { store: "weft.db" }, "store"],
			// a bad leaseWaitMs failed every case with the graph's "waitForLease" error, not the option's
			[graph, [exact()], { leaseWaitMs: -1 }, "leaseWaitMs"],
			[graph, [exact()], { leaseWaitMs: "5s" }, "leaseWaitMs"],
		];
		for (const [g, scorers, options, mentions] of cases) {
			const error = await evaluate(
				g as never,
				dataset,
				scorers as never,
				options as never,
			).catch((e) => e);
			expect(isWeftError(error, "CONFIG_INVALID"), String(error)).toBe(true);
			expect(error.message).toContain(mentions);
			expect(error.hint).toEqual(expect.any(String));
		}
	});

	it("an empty scorer list is CONFIG_INVALID naming the built-in scorers, before any case runs", async () => {
		// every case passed: a user who forgot the scorers saw all green (decision 0243)
		const { graph, calls } = qaGraph(table);
		const store = new MemoryEvalStore();
		const error = await evaluate(graph, dataset, [], { store }).catch((e) => e);
		expect(isWeftError(error, "CONFIG_INVALID"), String(error)).toBe(true);
		expect(error.message).toContain("no scorer");
		expect(error.hint).toContain("exact()");
		expect(error.hint).toContain("llmJudge(");
		expect(calls).toEqual({});
		expect(await store.listRuns()).toEqual([]);
	});

	it("parseJsonl of something that is not text is DATASET_INVALID, not a TypeError", () => {
		// it was "text.split is not a function"
		for (const text of [5, undefined, null, { id: "a" }]) {
			let error: unknown;
			try {
				parseJsonl(text as never);
			} catch (e) {
				error = e;
			}
			expect(isWeftError(error, "DATASET_INVALID"), String(error)).toBe(true);
			expect((error as { hint?: string }).hint).toEqual(expect.any(String));
		}
	});

	it("costBudget and latencyBudget take a finite number >= 0, else CONFIG_INVALID", () => {
		for (const bad of [
			Number.NaN,
			-1,
			Number.POSITIVE_INFINITY,
			"1" as unknown as number,
		]) {
			for (const make of [costBudget, latencyBudget]) {
				let error: unknown;
				try {
					make(bad);
				} catch (e) {
					error = e;
				}
				expect(
					isWeftError(error, "CONFIG_INVALID"),
					`${make.name}(${String(bad)})`,
				).toBe(true);
				expect((error as { hint?: string }).hint).toEqual(expect.any(String));
			}
		}
		expect(costBudget(0).name).toBe("cost");
		expect(latencyBudget(0).name).toBe("latency");
	});
});
