import { isWeftError } from "@weft/checkpoint";
import { evaluate, llmJudge, parseVerdict } from "@weft/evals";
import { ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { qaGraph } from "./graphs.ts";

describe("LLM judge", () => {
	it("grades each answer with any chat model and a rubric, sending input, reference and answer", async () => {
		const judge = new ScriptedChatModel([
			'{"score": 0.9, "reason": "names the city"}',
			'```json\n{"score": 0.2, "reason": "vague"}\n```',
		]);
		const { graph } = qaGraph({ a: "Paris", b: "somewhere" });
		const report = await evaluate(
			graph,
			[
				{ id: "a", input: { question: "a" }, expected: "Paris" },
				{ id: "b", input: { question: "b" } },
			],
			[llmJudge({ model: judge, rubric: "Names a city." })],
			{ concurrency: 1 },
		);
		expect(report.cases.map((c) => c.scores.judge)).toEqual([
			{ score: 0.9, pass: true, reason: "names the city" },
			{ score: 0.2, pass: false, reason: "vague" },
		]);
		const prompt = String(judge.calls[0]!.messages[1]!.content);
		expect(prompt).toContain("Rubric:\nNames a city.");
		expect(prompt).toContain("Reference answer:\nParis");
		expect(prompt).toContain("Answer to grade:\nParis");
		expect(String(judge.calls[1]!.messages[1]!.content)).not.toContain(
			"Reference answer",
		);
	});

	it("does not read the start of a number written another way as the score (0,8 was 0; 1e-1 was 1)", () => {
		for (const reply of [
			"Score: 0,8",
			"score: 1e-1",
			'{"score": "0,8"}',
			"0,8",
		])
			expect(parseVerdict(reply), reply).toBeUndefined();
		// a number followed by punctuation or words is still read
		expect(parseVerdict("Score: 0.8.")).toMatchObject({ score: 0.8 });
		expect(parseVerdict("Score: 0, it is wrong")).toMatchObject({ score: 0 });
		expect(parseVerdict("Rating: 7/10, close")).toMatchObject({ score: 0.7 });
	});

	it("parseVerdict refuses a reply that is no text and a passAt off the scale, as llmJudge does (CONFIG_INVALID)", () => {
		// parseVerdict(5) was a TypeError; passAt NaN failed every score silently
		const cases: [unknown, unknown, unknown][] = [
			[5, undefined, undefined],
			[null, undefined, undefined],
			["0.5", Number.NaN, undefined],
			["0.5", 2, undefined],
			["3", 6, [1, 5]],
		];
		for (const [reply, passAt, scale] of cases)
			expect(
				() => parseVerdict(reply as never, passAt as never, scale as never),
				JSON.stringify([reply, passAt, scale]),
			).toThrow(
				expect.objectContaining({
					code: "CONFIG_INVALID",
					hint: expect.any(String),
				}),
			);
		expect(parseVerdict("4", 4, [1, 5])).toMatchObject({ pass: true });
	});

	it("reads PASS / FAIL, and fails a reply with no verdict", async () => {
		expect(parseVerdict("PASS: fine")).toMatchObject({ score: 1, pass: true });
		expect(parseVerdict("fail - wrong")).toMatchObject({
			score: 0,
			pass: false,
		});
		expect(parseVerdict('{"score": 0.6}', 0.7)).toMatchObject({ pass: false });
		expect(parseVerdict("I think it is good")).toBeUndefined();
		const { graph } = qaGraph({ a: "x" });
		const report = await evaluate(
			graph,
			[{ id: "a", input: { question: "a" } }],
			[
				llmJudge({
					model: new ScriptedChatModel(["hmm"]),
					rubric: "r",
					name: "strict",
				}),
			],
		);
		// no measurement: a failed score (left out of the mean), not a silent 0
		expect(report.cases[0]!.scores.strict).toMatchObject({
			score: 0,
			pass: false,
			error: { code: "VALIDATION_FAILED" },
		});
		expect(report.cases[0]!.scores.strict!.error!.message).toContain(
			'judge "strict"',
		);
		expect(report.cases[0]!.scores.strict!.error!.message).toContain("hmm");
		expect(report.summary.byScorer.strict).toMatchObject({ failed: 1 });
	});
});

describe("the judge's score", () => {
	it.each([
		['{"score": 0.8, "reason": "ok"}', 0.8],
		['{"score": "0.8"}', 0.8],
		['{"score": 1}', 1],
		['{"score": 0}', 0],
		['{"score": ".25"}', 0.25],
		// a fraction or a percentage says its own scale
		['{"score": "7/10"}', 0.7],
		['{"score": "4 out of 5"}', 0.8],
		['{"score": "80%"}', 0.8],
		["7/10", 0.7],
		["Score: 0.9", 0.9],
		["Score: 4/5 - close", 0.8],
		["score = 0.3\nThe answer misses the point.", 0.3],
		["**Score:** 3/4", 0.75],
		["Rating: 90%", 0.9],
		["0.6", 0.6],
	])("%s reads as %s", (reply, score) => {
		expect(parseVerdict(reply)?.score).toBeCloseTo(score, 10);
	});

	it.each([
		['{"score": 7}', "7"],
		['{"score": -0.5}', "-0.5"],
		['{"score": "7/5"}', "7/5"],
		['{"score": "3/0"}', "3/0"],
		['{"score": "120%"}', "120%"],
		["Score: 4", "4"],
		["score: 7/5", "7/5"],
		["4", "4"],
	])(
		"%s is off the 0–1 scale: VALIDATION_FAILED naming the scale, not clamped",
		(reply, said) => {
			let error: unknown;
			try {
				parseVerdict(reply);
			} catch (e) {
				error = e;
			}
			expect(isWeftError(error, "VALIDATION_FAILED")).toBe(true);
			expect((error as Error).message).toContain(said);
			expect((error as Error).message).toContain("[0, 1]");
			expect((error as { hint?: string }).hint).toEqual(expect.any(String));
		},
	);

	it("a judge answering off its scale fails that score, naming it, where it was clamped to a pass", async () => {
		const { graph } = qaGraph({ a: "Paris", b: "Paris" });
		const report = await evaluate(
			graph,
			[
				{ id: "a", input: { question: "a" } },
				{ id: "b", input: { question: "b" } },
			],
			[
				llmJudge({
					// graded on 1–5 though asked for 0–1: 3 was clamped to a perfect 1
					model: new ScriptedChatModel([
						'{"score": 3, "reason": "fair"}',
						'{"score": 0.9, "reason": "good"}',
					]),
					rubric: "Names the city.",
				}),
			],
			{ concurrency: 1 },
		);
		expect(report.cases[0]!.scores.judge).toMatchObject({
			score: 0,
			pass: false,
			error: { code: "VALIDATION_FAILED" },
		});
		expect(report.cases[0]!.scores.judge!.error!.message).toContain(
			"outside its scale [0, 1]",
		);
		expect(report.cases[1]!.scores.judge).toEqual({
			score: 0.9,
			pass: true,
			reason: "good",
		});
		expect(report.summary.byScorer.judge).toEqual({
			mean: 0.9,
			passed: 1,
			failed: 1,
		});
	});
});

describe("a judge on the scale given (scale: [min, max])", () => {
	it("is asked for a score on that scale; its answer is reported on 0–1 and passes at passAt on its scale", async () => {
		const { graph } = qaGraph({ a: "Paris", b: "Lyon", c: "Nice" });
		const judge = new ScriptedChatModel([
			'{"score": 5, "reason": "exact"}',
			'{"score": 3, "reason": "partly"}',
			"Score: 4/5", // the scale's own notation: 4 on 1–5
		]);
		const report = await evaluate(
			graph,
			[
				{ id: "a", input: { question: "a" } },
				{ id: "b", input: { question: "b" } },
				{ id: "c", input: { question: "c" } },
			],
			[
				llmJudge({
					model: judge,
					rubric: "5: names the capital; 3: names a city; 1: no city.",
					scale: [1, 5],
					passAt: 4,
				}),
			],
			{ concurrency: 1 },
		);
		expect(String(judge.calls[0]!.messages[0]!.content)).toContain(
			"a number from 1 to 5",
		);
		expect(report.cases.map((c) => c.scores.judge)).toEqual([
			{ score: 1, pass: true, reason: "exact" },
			{ score: 0.5, pass: false, reason: "partly" },
			{ score: 0.75, pass: true, reason: "Score: 4/5" },
		]);
	});

	it("passes at the middle of its scale by default; a score off it fails naming that scale", () => {
		expect(parseVerdict('{"score": 5}', undefined, [0, 10])).toMatchObject({
			score: 0.5,
			pass: true,
		});
		expect(parseVerdict('{"score": 4}', undefined, [0, 10])).toMatchObject({
			score: 0.4,
			pass: false,
		});
		// a fraction of another scale or a percentage still names its own
		expect(parseVerdict("7/10", undefined, [1, 5])?.score).toBeCloseTo(0.7);
		expect(parseVerdict("80%", undefined, [1, 5])?.score).toBeCloseTo(0.8);
		expect(parseVerdict("PASS", undefined, [1, 5])?.score).toBe(1);
		expect(() => parseVerdict("0.5", undefined, [5, 1])).toThrow(
			/scale must be \[min, max\]/,
		);
		for (const reply of ['{"score": 0}', '{"score": 6}', "Score: 0.5"]) {
			let error: unknown;
			try {
				parseVerdict(reply, undefined, [1, 5]);
			} catch (e) {
				error = e;
			}
			expect(isWeftError(error, "VALIDATION_FAILED"), reply).toBe(true);
			expect((error as Error).message).toContain("[1, 5]");
		}
	});
});
