// Found from outside (7 Dec): figures a node reported itself (`ctx.reportUsage`) were added as given, so
// NaN, negative counts and numbers sent as strings reached the thread's stored totals (NaN for good, or a
// count of '0100'). A report's figures are the node's own code, not a provider's: one that is not a count
// is refused with CONFIG_INVALID naming the figure, and nothing of it is counted (decision 0232).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import {
	type Checkpointer,
	ConfigError,
	MemoryCheckpointer,
	runUsageOf,
	START,
	StateGraph,
	type UsageReport,
} from "@weft/graph";
import { llmNode, messages } from "@weft/graph/llm";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({ n: z.number().default(0) });
const good: UsageReport = {
	model: "m",
	inputTokens: 10,
	outputTokens: 2,
	costUsd: 0.01,
};

/** A graph whose node reports `good`, then `bad` (catching what that throws), then returns. */
function reporting(checkpointer: Checkpointer, bad: unknown) {
	const thrown: unknown[] = [];
	const graph = new StateGraph(S)
		.addNode("call", (s, ctx) => {
			ctx.reportUsage(good);
			try {
				ctx.reportUsage(bad as UsageReport);
			} catch (error) {
				thrown.push(error);
			}
			return { n: s.n + 1 };
		})
		.addEdge(START, "call")
		.compile({ checkpointer });
	return { graph, thrown };
}

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function sqlite(): SqliteCheckpointer {
	const dir = mkdtempSync(join(tmpdir(), "weft-report-"));
	dirs.push(dir);
	return new SqliteCheckpointer({ path: join(dir, "weft.db") });
}

const bad: Array<[string, unknown, string]> = [
	["NaN input tokens", { inputTokens: Number.NaN }, "inputTokens"],
	["negative output tokens", { outputTokens: -5 }, "outputTokens"],
	["input tokens as a string", { inputTokens: "100" }, "inputTokens"],
	["fractional cached tokens", { cachedTokens: 1.5 }, "cachedTokens"],
	["an infinite cost", { costUsd: Number.POSITIVE_INFINITY }, "costUsd"],
	["a negative cost", { costUsd: -0.5 }, "costUsd"],
	["calls as a string", { calls: "2" }, "calls"],
	["a NaN duration", { durationMs: Number.NaN }, "durationMs"],
	["a model that is no name", { model: 42 }, "model"],
	["no object", 12, "usage"],
];

describe.each([
	["memory", () => new MemoryCheckpointer() as Checkpointer],
	["a SQLite file", sqlite as () => Checkpointer],
])("ctx.reportUsage with a figure that is not one (%s)", (_, open) => {
	it.each(bad)(
		"%s is CONFIG_INVALID naming it; the totals keep only the good report",
		async (_, report, field) => {
			const store = open();
			const { graph, thrown } = reporting(store, report);
			const result = await graph.run({}, { threadId: "t" });
			expect(thrown).toHaveLength(1);
			expect(thrown[0]).toBeInstanceOf(ConfigError);
			expect(thrown[0]).toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringContaining(field),
				hint: expect.any(String),
			});
			expect((thrown[0] as Error).message).toContain('"call"');
			const expected = {
				inputTokens: 10,
				outputTokens: 2,
				totalTokens: 12,
				cachedTokens: 0,
				calls: 1,
				costUsd: 0.01,
			};
			expect(result.usage).toMatchObject(expected);
			const stored = await graph.getUsage({ threadId: "t" });
			expect(stored).toMatchObject(expected);
			expect(stored.byModel).toEqual({ m: expect.objectContaining(expected) });
			await (store as { close?: () => unknown }).close?.();
		},
	);
});

describe("ctx.reportUsage with good figures", () => {
	it("takes whole counts, zero calls, and leaves out what is not given", async () => {
		const graph = new StateGraph(S)
			.addNode("call", (s, ctx) => {
				ctx.reportUsage({ inputTokens: 0, outputTokens: 3 });
				ctx.reportUsage({ costUsd: 0.5, calls: 0, durationMs: 12.5 });
				ctx.reportUsage({
					model: undefined,
					inputTokens: undefined,
					cachedTokens: 4,
				});
				return { n: s.n + 1 };
			})
			.addEdge(START, "call")
			.compile();
		const { usage } = await graph.run({});
		expect(usage).toMatchObject({
			inputTokens: 0,
			outputTokens: 3,
			cachedTokens: 4,
			calls: 2,
			costUsd: 0.5,
		});
	});
});

describe("the side calls of a failed model call", () => {
	// a failed call's `spentCalls` (what @weft/models paid for before it failed) are reported through
	// ctx.reportUsage: odd figures there must not turn the model's error into a CONFIG_INVALID
	it("are counted as whole tokens without a cost that is no number, and the model's error goes on", async () => {
		const down = Object.assign(new Error("the provider is down"), {
			spentCalls: [
				{
					model: "judge",
					inputTokens: 2.6,
					outputTokens: 1,
					costUsd: Number.NaN,
				},
			],
		});
		const graph = new StateGraph(z.object({ messages: messages() }))
			.addNode(
				"answer",
				llmNode({ model: { invoke: () => Promise.reject(down) } as never }),
			)
			.addEdge(START, "answer")
			.compile();
		const error = await graph
			.run({ messages: [{ role: "user", content: "hi" }] } as never)
			.then(
				() => undefined,
				(e: unknown) => e,
			);
		expect(error).not.toMatchObject({ code: "CONFIG_INVALID" });
		expect(String((error as Error).message)).toContain("the provider is down");
		expect(runUsageOf(error)).toMatchObject({
			inputTokens: 3,
			outputTokens: 1,
			calls: 1,
			unpricedCalls: 1,
		});
	});
});
