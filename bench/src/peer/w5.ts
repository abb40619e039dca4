// W5 on LangGraph.js: interrupt → Command({ resume }) cycles with MemorySaver, on SqliteSaver (a file),
// and answered from a new process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	type BaseCheckpointSaver,
	Command,
	MemorySaver,
} from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { check, gc, now } from "../measure.ts";
import type { Sizes } from "../sizes.ts";
import { median, round } from "../stats.ts";
import { resumeInNewProcesses } from "../w5-process.ts";
import { reviewGraph } from "./w5-graph.ts";

async function cycles(
	saver: BaseCheckpointSaver,
	warmup: number,
	count: number,
) {
	let reviewBodies = 0;
	const graph = reviewGraph(saver, () => reviewBodies++);
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
	for (let i = 0; i < warmup; i++) await cycle(`warm-${i}`);
	gc();
	reviewBodies = 0;
	const all = [];
	for (let i = 0; i < count; i++) all.push(await cycle(`c-${i}`));
	const total = all.map((c) => c.total);
	return {
		ms_per_cycle: round(median(total), 4),
		mean_ms_per_cycle: round(
			total.reduce((a, b) => a + b, 0) / total.length,
			4,
		),
		ms_run_to_interrupt: round(median(all.map((c) => c.run)), 4),
		ms_resume_to_end: round(median(all.map((c) => c.resume)), 4),
		review_body_runs_per_cycle: reviewBodies / count,
	};
}

export async function w5(p: Sizes["w5"]) {
	const memory = await cycles(new MemorySaver(), p.warmup, p.cycles);
	if (p.sqliteCycles === 0) return memory;
	const dir = mkdtempSync(join(tmpdir(), "lg-w5-"));
	try {
		const path = join(dir, "w5.db");
		const saver = SqliteSaver.fromConnString(path);
		const sqlite = await cycles(saver, p.warmup, p.sqliteCycles);
		const graph = reviewGraph(saver);
		const newProcess =
			p.processes === 0
				? undefined
				: await resumeInNewProcesses(
						join(import.meta.dirname, "w5-child.ts"),
						path,
						p.processes,
						async (threadId) => {
							const r = await graph.invoke(
								{ request: `req-${threadId}` },
								{ configurable: { thread_id: threadId } },
							);
							check(
								(r as { __interrupt__?: unknown[] }).__interrupt__?.length ===
									1,
								`${threadId}: not paused`,
							);
						},
					);
		(saver as unknown as { db: { close(): void } }).db.close();
		return {
			...memory,
			sqlite,
			...(newProcess === undefined ? {} : { new_process: newProcess }),
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
