// W5 on Weft: interrupt → resume cycles with `ctx.interrupt`, on MemoryCheckpointer, on a SQLite file, and
// answered from a new process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { Command, MemoryCheckpointer } from "@weft/graph";
import { check, gc, now } from "../measure.ts";
import type { Sizes } from "../sizes.ts";
import { median, round } from "../stats.ts";
import { resumeInNewProcesses } from "../w5-process.ts";
import { reviewGraph } from "./w5-graph.ts";

async function cycles(store: Checkpointer, warmup: number, count: number) {
	let reviewBodies = 0;
	const graph = reviewGraph(store, () => reviewBodies++);
	async function cycle(id: string) {
		const t0 = now();
		const paused = await graph.run({ request: `req-${id}` }, { threadId: id });
		const t1 = now();
		const done = await graph.invoke(new Command({ resume: `ok-${id}` }), {
			threadId: id,
		});
		const t2 = now();
		check(
			paused.status === "interrupted" &&
				paused.interrupts.length === 1 &&
				paused.values.result === undefined,
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
	const memory = await cycles(new MemoryCheckpointer(), p.warmup, p.cycles);
	if (p.sqliteCycles === 0) return memory;
	const dir = mkdtempSync(join(tmpdir(), "weft-w5-"));
	try {
		const path = join(dir, "w5.db");
		const store = new SqliteCheckpointer({ path });
		const sqlite = await cycles(store, p.warmup, p.sqliteCycles);
		const graph = reviewGraph(store);
		const newProcess =
			p.processes === 0
				? undefined
				: await resumeInNewProcesses(
						join(import.meta.dirname, "w5-child.ts"),
						path,
						p.processes,
						async (threadId) => {
							const r = await graph.run(
								{ request: `req-${threadId}` },
								{ threadId },
							);
							check(r.status === "interrupted", `${threadId}: not paused`);
						},
					);
		await store.close();
		return {
			...memory,
			sqlite,
			...(newProcess === undefined ? {} : { new_process: newProcess }),
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
