// The run hands a step's record to the in-memory store (PUT_SYNC) without the store checking its ids or
// copying its metadata (perf, issue 17): the run vouches for both. This checks that it only does so when
// the record is what the store's own checks would accept, across the shapes a run writes.
import {
	type CheckpointRecord,
	isPlainJson,
	isValidId,
	MemoryCheckpointer,
	PUT_SYNC,
} from "@weft/checkpoint";
import {
	Command,
	END,
	reducer,
	Send,
	START,
	StateGraph,
	type UsageReport,
} from "@weft/graph";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

/** A memory store that records, for each put, whether the record was handed over. */
function watchedStore() {
	const store = new MemoryCheckpointer();
	const seen: Array<{ handOver: boolean; record: CheckpointRecord }> = [];
	const put = store[PUT_SYNC].bind(store);
	vi.spyOn(store, PUT_SYNC).mockImplementation((record, options, handOver) => {
		seen.push({ handOver: handOver === true, record });
		return put(record, options, handOver);
	});
	return { store, seen };
}

const vouched = (record: CheckpointRecord) =>
	isPlainJson(record.metadata) &&
	isValidId(record.threadId, "thread id") &&
	isValidId(record.ns, "namespace") &&
	isValidId(record.checkpointId, "checkpoint id") &&
	(record.parentId === null || isValidId(record.parentId, "parent id"));

const S = z.object({
	n: z.number().default(0),
	out: reducer(
		z.array(z.number()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

function graphWith(
	store: MemoryCheckpointer,
	names: { a: string; b: string } = { a: "a", b: "b" },
) {
	return new StateGraph(S)
		.addNode(names.a, (s) => ({ n: s.n + 1 }))
		.addNode(names.b, async (s, ctx) => ({
			n: s.n + (await ctx.interrupt<number>("more?")),
		}))
		.addNode("fan", () => ({ out: [1] }))
		.addEdge(START, names.a)
		.addEdge(names.a, names.b)
		.addConditionalEdges(
			names.b,
			(s) => [new Send("fan", {}), new Send("fan", {})].slice(0, s.n % 3),
			["fan"],
		)
		.addEdge("fan", END)
		.compile({ checkpointer: store, name: "hand-over" });
}

describe("records handed over to the in-memory store", () => {
	it.each([
		["no run metadata", undefined, true],
		[
			"plain run metadata",
			{ user: "u1", tries: 2, ok: true, none: null },
			true,
		],
		["NaN in run metadata", { score: Number.NaN }, false],
		["a NUL in run metadata", { user: "a\0b" }, false],
		// plain, but the caller's objects: copied, never kept
		["an object in run metadata", { nested: { a: 1 } }, false],
		["a toJSON key in run metadata", { toJSON: 1 }, false],
	])(
		"with %s: every record handed over is one the store would accept",
		async (_, metadata, handedOver) => {
			const { store, seen } = watchedStore();
			const graph = graphWith(store);
			const runs = async () => {
				await graph.run({}, { threadId: "t", metadata: metadata as never });
				await graph.run(new Command({ resume: 4 }), {
					threadId: "t",
					metadata: metadata as never,
				});
			};
			if (
				JSON.stringify(metadata ?? {}).includes("\\u0000") ||
				Number.isNaN((metadata as { score?: number } | undefined)?.score)
			) {
				// metadata JSON would change or no store keeps (decision 0201): refused before the run, nothing
				// written
				await expect(runs()).rejects.toMatchObject({ code: "CONFIG_INVALID" });
				expect(seen).toEqual([]);
				return;
			}
			await runs();
			expect(seen.length).toBeGreaterThan(3);
			for (const { handOver, record } of seen)
				if (handOver)
					expect(vouched(record), JSON.stringify(record.metadata)).toBe(true);
			expect(seen.some((s) => s.handOver)).toBe(handedOver);
			// and the store reads every record back as a durable store would
			for await (const c of store.list({ threadId: "t" }))
				expect(c.metadata).toEqual(JSON.parse(JSON.stringify(c.metadata)));
		},
	);

	/** A graph whose node reports one model call (its usage and record), and the metadata its step stored. */
	async function reported(usage: UsageReport) {
		const { store, seen } = watchedStore();
		const graph = new StateGraph(S)
			.addNode("call", (s, ctx) => {
				ctx.reportUsage(usage);
				return { n: s.n + 1 };
			})
			.addEdge(START, "call")
			.compile({ checkpointer: store, name: "reports" });
		await graph.run({}, { threadId: "t" });
		const step = seen.find((s) => s.record.metadata.nodes[0] === "call")!;
		const stored = (await store.getTuple({ threadId: "t" }))!.checkpoint;
		return { step, stored };
	}

	const figures = {
		model: "m1",
		inputTokens: 3,
		outputTokens: 2,
		durationMs: 1.5,
	};
	const record = {
		node: "call",
		model: "m1",
		durationMs: 1.5,
		inputTokens: 3,
		outputTokens: 2,
		cachedTokens: 0,
		cacheHit: false,
		fallback: false,
	};

	it("hands over a step with model usage and a call record of plain figures, keeping no object of the caller's", async () => {
		const call = { ...record };
		const { step, stored } = await reported({ ...figures, call });
		expect(step.handOver).toBe(true);
		expect(vouched(step.record)).toBe(true);
		const timing = stored.metadata.timing as { calls: unknown[] };
		expect(timing.calls).toEqual([record]);
		expect(timing.calls[0]).not.toBe(call);
		// the caller's record stays the caller's: changing it changes nothing stored
		call.model = "changed";
		expect(Object.isFrozen(call)).toBe(false);
		// as a durable store reads it back: plain objects (prototypes included), plain figures
		expect(stored.metadata).toStrictEqual(
			JSON.parse(JSON.stringify(stored.metadata)),
		);
		expect((stored.metadata.usage as { calls: number }).calls).toBe(1);
		// a call with no cost is counted as unpriced, a plain figure too
		expect(stored.metadata.usage).toMatchObject({ unpricedCalls: 1 });
	});

	it.each([
		["a model named __proto__", { ...figures, model: "__proto__" }],
		["a NUL in a model name", { ...figures, model: "a\0b" }],
		["a model named toJSON", { ...figures, model: "toJSON" }],
		["an infinite token count", { ...figures, inputTokens: Infinity }],
		["a NaN cost", { ...figures, costUsd: Number.NaN }],
		["a NaN duration", { ...figures, durationMs: Number.NaN }],
		[
			"a call record with content",
			{
				...figures,
				call: { ...record, prompt: [{ type: "human", content: "hi" }] },
			},
		],
		[
			"a call record with an undefined field",
			{ ...figures, call: { ...record, finishReason: undefined } },
		],
		[
			"a call record that is no plain object",
			{ ...figures, call: Object.assign(Object.create({ x: 1 }), record) },
		],
	])("does not hand over a step whose usage has %s", async (_, usage) => {
		const { step } = await reported(usage as UsageReport).catch((e) => {
			// a value no store keeps (a NUL) fails the run typed, and a figure that is not one (NaN,
			// Infinity) is refused by ctx.reportUsage itself (decision 0232): nothing was handed over
			expect(e).toMatchObject({
				code: expect.stringMatching(/^(SERIALIZATION_FAILED|CONFIG_INVALID)$/),
			});
			return { step: { handOver: false } };
		});
		expect(step.handOver).toBe(false);
	});

	it("hands nothing over for a graph with a node named toJSON, or a thread of a subgraph", async () => {
		const { store, seen } = watchedStore();
		await graphWith(store, { a: "toJSON", b: "b" }).run({}, { threadId: "t" });
		expect(seen.length).toBeGreaterThan(0);
		expect(seen.every((s) => !s.handOver)).toBe(true);

		const inner = new StateGraph(S)
			.addNode("i", (s) => ({ n: s.n + 1 }))
			.addEdge(START, "i")
			.compile();
		const w = watchedStore();
		await new StateGraph(S)
			.addNode("sub", inner)
			.addEdge(START, "sub")
			.compile({ checkpointer: w.store })
			.run({}, { threadId: "t" });
		const nested = w.seen.filter((s) => s.record.ns !== "");
		expect(nested.length).toBeGreaterThan(0);
		expect(nested.every((s) => !s.handOver)).toBe(true);
		expect(w.seen.some((s) => s.handOver && s.record.ns === "")).toBe(true);
	});
});
