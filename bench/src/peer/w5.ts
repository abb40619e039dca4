// W5 on LangGraph.js: interrupt → Command({ resume }) cycles with MemorySaver.
import {
	Annotation,
	Command,
	END,
	interrupt,
	MemorySaver,
	START,
	StateGraph,
} from "@langchain/langgraph";
import { check, gc, now } from "../measure.ts";
import type { Sizes } from "../sizes.ts";
import { median, round } from "../stats.ts";

const State = Annotation.Root({
	request: Annotation<string>(),
	draft: Annotation<string>(),
	approval: Annotation<string>(),
	result: Annotation<string>(),
});

export async function w5(p: Sizes["w5"]) {
	let reviewBodies = 0;
	const graph = new StateGraph(State)
		.addNode("write_draft", (s) => ({ draft: `draft for ${s.request}` }))
		.addNode("review", (s) => {
			reviewBodies++;
			return {
				approval: interrupt<unknown, string>({
					question: "approve?",
					draft: s.draft,
				}),
			};
		})
		.addNode("finish", (s) => ({ result: `${s.draft} [${s.approval}]` }))
		.addEdge(START, "write_draft")
		.addEdge("write_draft", "review")
		.addEdge("review", "finish")
		.addEdge("finish", END)
		.compile({ checkpointer: new MemorySaver() });

	async function cycle(id: string) {
		const cfg = { configurable: { thread_id: id } };
		const t0 = now();
		const paused = await graph.invoke({ request: `req-${id}` }, cfg);
		const t1 = now();
		const done = await graph.invoke(new Command({ resume: `ok-${id}` }), cfg);
		const t2 = now();
		check(
			(paused as { __interrupt__?: unknown[] }).__interrupt__?.length === 1 &&
				paused.result === undefined,
			`cycle ${id}: not paused with one interrupt`,
		);
		check(
			done.result === `draft for req-${id} [ok-${id}]`,
			`cycle ${id}: result ${done.result}`,
		);
		return { total: t2 - t0, run: t1 - t0, resume: t2 - t1 };
	}

	for (let i = 0; i < p.warmup; i++) await cycle(`warm-${i}`);
	gc();
	reviewBodies = 0;
	const cycles = [];
	for (let i = 0; i < p.cycles; i++) cycles.push(await cycle(`c-${i}`));
	const total = cycles.map((c) => c.total);
	return {
		ms_per_cycle: round(median(total), 4),
		mean_ms_per_cycle: round(
			total.reduce((a, b) => a + b, 0) / total.length,
			4,
		),
		ms_run_to_interrupt: round(median(cycles.map((c) => c.run)), 4),
		ms_resume_to_end: round(median(cycles.map((c) => c.resume)), 4),
		review_body_runs_per_cycle: reviewBodies / p.cycles,
	};
}
