// Outside check (evals, 7 Dec): a misspelt option was ignored without a word. `evaluate(…, { stroe })`
// ran on a memory store (the results were gone with the process), `new SqliteEvalStore({ pth })` opened
// ":memory:", `recordFeedback({ lable })` saved feedback without its label, `listFeedback(store,
// { thread })` listed every thread's, `exact({ ignorecase })` compared case and all. Each is refused,
// naming the key meant (decision 0238).
import {
	contains,
	evaluate,
	exact,
	listFeedback,
	llmJudge,
	MemoryEvalStore,
	recordFeedback,
} from "@weft/evals";
import { PostgresEvalStore } from "@weft/evals/postgres";
import { SqliteEvalStore } from "@weft/evals/sqlite";
import { ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { qaGraph } from "./graphs.ts";

const cases = [{ id: "a", input: { question: "a" }, expected: "A" }];
const meant = (key: string, near: string) => ({
	code: "CONFIG_INVALID",
	message: expect.stringContaining(`"${key}"`),
	hint: expect.stringContaining(`did you mean ${near}?`),
});

describe("a misspelt option of the evals API is refused, naming the one meant", () => {
	it("evaluate's options, before any case runs", async () => {
		const { graph, calls } = qaGraph({ a: "A" });
		const store = new MemoryEvalStore();
		const call = (options: object) =>
			evaluate(graph, cases, [exact()], options as never);
		await expect(call({ stroe: store, runId: "r" })).rejects.toMatchObject(
			meant("stroe", "store"),
		);
		await expect(call({ concurency: 2 })).rejects.toMatchObject(
			meant("concurency", "concurrency"),
		);
		expect(calls).toEqual({});
		expect(await store.listRuns()).toEqual([]);
	});

	it("the stores' options", async () => {
		expect(() => new SqliteEvalStore({ pth: "x.db" } as never)).toThrow(
			expect.objectContaining(meant("pth", "path")),
		);
		// refused before it connects: no server is needed to see it
		await expect(
			PostgresEvalStore.connect({
				connectionString: "postgres://nobody@127.0.0.1:1/none",
				shema: "acme",
			} as never),
		).rejects.toMatchObject(meant("shema", "schema"));
	});

	it("feedback and its filter; nothing is recorded", async () => {
		const store = new MemoryEvalStore();
		await expect(
			recordFeedback(store, { threadId: "t", score: 1, lable: "x" } as never),
		).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			message: expect.stringContaining('"lable"'),
			hint: expect.stringContaining("did you mean label?"),
		});
		expect(await listFeedback(store)).toEqual([]);
		await recordFeedback(store, { threadId: "t", score: 1 });
		await expect(
			listFeedback(store, { thread: "other" } as never),
		).rejects.toMatchObject(meant("thread", "threadId"));
	});

	it("scorers' options, when the scorer is built", () => {
		const model = new ScriptedChatModel({ replies: ['{"score": 1}'] });
		expect(() => exact({ ignorecase: true } as never)).toThrow(
			expect.objectContaining(meant("ignorecase", "ignoreCase")),
		);
		expect(() => contains({ vaule: "Paris" } as never)).toThrow(
			expect.objectContaining(meant("vaule", "value")),
		);
		expect(() =>
			llmJudge({ model, rubric: "right", passat: 0.9 } as never),
		).toThrow(expect.objectContaining(meant("passat", "passAt")));
	});
});
