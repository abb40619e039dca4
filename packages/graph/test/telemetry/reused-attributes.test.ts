// Issue 13 (T1): the attribute sets of metric records are made once and reused (per node and outcome, per
// model and error type), and a node task that settles synchronously ends its span without a promise.
// What the reader and the exporter see must not change: one data point per attribute set, each record
// counted in it, the node span ended under its step.
import { HumanMessage } from "@langchain/core/messages";
import { SpanStatusCode } from "@opentelemetry/api";
import { END, MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { makeTools } from "../llm/fixtures.ts";
import { countOf, one, parentOf, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());

const ask = { messages: [new HumanMessage("What is 1 + 2?")] };

describe("metric attribute sets made once", () => {
	it("a failed model call's duration carries error.type, the same set for every failure", async () => {
		for (const thread of ["e1", "e2"]) {
			const { add } = makeTools();
			const agent = createAgent({
				model: new ScriptedChatModel({
					model: "gpt-fails",
					replies: [{ fail: "bad-request" }],
				}),
				tools: [add],
				checkpointer: new MemoryCheckpointer(),
				name: "fails",
			});
			await expect(agent.run(ask, { threadId: thread })).rejects.toThrow();
		}
		const ok = createAgent({
			model: new ScriptedChatModel({
				model: "gpt-fails",
				replies: [{ content: "3", usage: { input: 4, output: 1 } }],
			}),
			tools: [makeTools().add],
			checkpointer: new MemoryCheckpointer(),
			name: "fails",
		});
		await ok.run(ask, { threadId: "e3" });
		const points = (
			await otel.metric("gen_ai.client.operation.duration")
		).filter((p) => p.attributes["gen_ai.request.model"] === "gpt-fails");
		const failed = points.filter(
			(p) => p.attributes["error.type"] !== undefined,
		);
		expect(failed).toHaveLength(1);
		expect(countOf(failed[0]!)).toBe(2);
		expect(failed[0]!.attributes).toMatchObject({
			"gen_ai.operation.name": "chat",
			"gen_ai.request.model": "gpt-fails",
		});
		expect(failed[0]!.attributes["gen_ai.response.model"]).toBeUndefined();
		const answered = points.filter(
			(p) => p.attributes["error.type"] === undefined,
		);
		expect(answered).toHaveLength(1);
		expect(countOf(answered[0]!)).toBe(1);
		const calls = await otel.metric("weft.model.calls");
		const errors = calls.find(
			(p) =>
				p.attributes["gen_ai.request.model"] === "gpt-fails" &&
				p.attributes["weft.outcome"] === "error",
		);
		expect(errors?.value).toBe(2);
	});

	it("a node's ok and error records stay apart in one run", async () => {
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode("count", ({ n }) => {
				if (n >= 2) throw new RangeError("too far");
				return { n: n + 1 };
			})
			.addEdge(START, "count")
			.addConditionalEdges("count", ({ n }) => (n > 0 ? "count" : END))
			.compile({ checkpointer: new MemoryCheckpointer(), name: "twice" });
		await expect(graph.run({ n: 0 }, { threadId: "n1" })).rejects.toThrow();
		const points = (await otel.metric("weft.node.duration")).filter(
			(p) => p.attributes["weft.graph"] === "twice",
		);
		const ok = points.find((p) => p.attributes["weft.outcome"] === "ok");
		const error = points.find((p) => p.attributes["weft.outcome"] === "error");
		expect(countOf(ok!)).toBe(2);
		expect(ok!.attributes["error.type"]).toBeUndefined();
		expect(countOf(error!)).toBe(1);
		expect(error!.attributes).toMatchObject({
			"weft.node": "count",
			"error.type": "RangeError",
		});
	});
});

describe("a node that settles synchronously", () => {
	it("has its span ended, OK, under its step, with the run going on", async () => {
		otel.reset();
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode("sync", ({ n }) => ({ n: n + 1 }))
			.addNode("after", async ({ n }) => ({ n: n * 10 }))
			.addEdge(START, "sync")
			.addEdge("sync", "after")
			.addEdge("after", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "sync" });
		const r = await graph.run({ n: 1 }, { threadId: "s1" });
		expect(r.values.n).toBe(20);
		const spans = otel.spans();
		const node = one(spans, "weft.node sync");
		expect(node.ended).toBe(true);
		expect(node.status.code).toBe(SpanStatusCode.OK);
		const steps = spans.filter((s) => s.name === "weft.step");
		expect(parentOf(node)).toBe(steps[0]!.spanContext().spanId);
		expect(parentOf(one(spans, "weft.node after"))).toBe(
			steps[1]!.spanContext().spanId,
		);
	});
});
