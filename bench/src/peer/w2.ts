// W2 on LangGraph.js: fan-out to n `Send`s of `worker`, fan-in to `reduce`, without a saver and with one.
import {
	Annotation,
	END,
	MemorySaver,
	Send,
	START,
	StateGraph,
} from "@langchain/langgraph";
import { check, gc, now } from "../measure.ts";
import type { Sizes } from "../sizes.ts";
import { median, round } from "../stats.ts";
import { saverBytes } from "./memory-saver-bytes.ts";

const State = Annotation.Root({
	results: Annotation<number[]>({
		reducer: (a, b) => a.concat(b),
		default: () => [],
	}),
	sum: Annotation<number>(),
});

function build(sends: number, checkpointer?: MemorySaver) {
	let reduced = 0;
	const graph = new StateGraph(State)
		.addNode("fan", () => ({}))
		.addNode("worker", (input: { i: number }) => ({ results: [2 * input.i] }))
		.addNode("reduce", (s) => {
			reduced++;
			return { sum: s.results.reduce((a, b) => a + b, 0) };
		})
		.addEdge(START, "fan")
		.addConditionalEdges("fan", () =>
			Array.from({ length: sends }, (_, i) => new Send("worker", { i })),
		)
		.addEdge("worker", "reduce")
		.addEdge("reduce", END)
		.compile(checkpointer === undefined ? {} : { checkpointer });
	return { graph, reduced: () => reduced };
}

async function measure(p: Sizes["w2"], checkpointer?: MemorySaver) {
	const { graph, reduced } = build(p.sends, checkpointer);
	const times: number[] = [];
	for (let i = 0; i < p.warmup + p.runs; i++) {
		if (i === p.warmup) gc();
		const before = reduced();
		const t0 = now();
		const out = await graph.invoke(
			{},
			{ configurable: { thread_id: `t${i}` } },
		);
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
	const saver = new MemorySaver();
	const memory = await measure(p, saver);
	const bytes = saverBytes(saver, "t0");
	return {
		no_store: noStore,
		memory: {
			...memory,
			checkpoints_per_run: bytes.sizes.length,
			bytes_per_run: bytes.total,
			checkpoint_bytes_per_run: bytes.checkpoints,
			pending_write_bytes_per_run: bytes.pending,
		},
	};
}
