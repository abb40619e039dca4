// W2 on Weft: fan-out to n `Send`s of `worker`, fan-in to `reduce`, without a store and with one.
import { MemoryCheckpointer } from "@weft/checkpoint";
import { END, reducer, Send, START, StateGraph } from "@weft/graph";
import { z } from "zod";
import { check, gc, now } from "../measure.ts";
import type { Sizes } from "../sizes.ts";
import { median, round } from "../stats.ts";
import { checkpointSizes } from "./stored-sizes.ts";

function build(sends: number, checkpointer?: MemoryCheckpointer) {
	let reduced = 0;
	const graph = new StateGraph(
		z.object({
			results: reducer(
				z.array(z.number()),
				(a, b) => a.concat(b),
				() => [],
			),
			sum: z.number().default(0),
		}),
	)
		.addNode("fan", () => {})
		.addNode("worker", (input: { i: number }) => ({ results: [2 * input.i] }))
		.addNode("reduce", (s) => {
			reduced++;
			return { sum: s.results.reduce((a, b) => a + b, 0) };
		})
		.addEdge(START, "fan")
		.addConditionalEdges(
			"fan",
			() => Array.from({ length: sends }, (_, i) => new Send("worker", { i })),
			["worker"],
		)
		.addEdge("worker", "reduce")
		.addEdge("reduce", END)
		.compile(checkpointer === undefined ? {} : { checkpointer });
	return { graph, reduced: () => reduced };
}

async function measure(p: Sizes["w2"], checkpointer?: MemoryCheckpointer) {
	const { graph, reduced } = build(p.sends, checkpointer);
	const times: number[] = [];
	for (let i = 0; i < p.warmup + p.runs; i++) {
		if (i === p.warmup) gc();
		const before = reduced();
		const t0 = now();
		const out = await graph.invoke({}, { threadId: `t${i}` });
		const ms = now() - t0;
		check(
			out.results.length === p.sends &&
				out.sum === p.sends * (p.sends - 1) &&
				reduced() === before + 1,
			`fan-out: ${out.results.length} results, sum ${out.sum}, reduce ran ${reduced() - before}×`,
		);
		if (i >= p.warmup) times.push(ms);
	}
	return {
		median_ms: round(median(times), 3),
		min_ms: round(Math.min(...times), 3),
		max_ms: round(Math.max(...times), 3),
		us_per_task: round((median(times) * 1000) / p.sends, 2),
	};
}

export async function w2(p: Sizes["w2"]) {
	const noStore = await measure(p);
	if (!p.store) return { no_store: noStore };
	const store = new MemoryCheckpointer();
	const memory = await measure(p, store);
	const sizes = await checkpointSizes(store, "t0");
	const records = sizes.reduce((a, b) => a + b, 0);
	const total = store.storedBytes("t0");
	return {
		no_store: noStore,
		memory: {
			...memory,
			checkpoints_per_run: sizes.length,
			bytes_per_run: total,
			checkpoint_bytes_per_run: records,
			pending_write_bytes_per_run: total - records,
		},
	};
}
