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
		expect(report.cases[0]!.scores.strict).toEqual({
			score: 0,
			pass: false,
			reason: "the judge's reply holds no verdict: hmm",
		});
	});
});
