// W5's measuring frame (both engines): timed interrupt → resume cycles, and the run over memory, a SQLite
// file and new processes. Each engine gives only how it pauses, resumes and reads the outcome.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, gc, now } from "./measure.ts";
import type { Sizes } from "./sizes.ts";
import { median, round } from "./stats.ts";
import { resumeInNewProcesses } from "./w5-process.ts";

/** One engine's cycle: start a thread until it pauses, then answer it. */
export interface W5Engine {
	/** Runs `{ request: req-<id> }` on thread `id`; true when it paused with one interrupt and no result. */
	pause(id: string): Promise<boolean>;
	/** Answers thread `id` with `ok-<id>`; the final `result`. */
	resume(id: string): Promise<unknown>;
	/** How many times the review node's body ran so far. */
	reviewBodies(): number;
}

async function timedCycle(engine: W5Engine, id: string) {
	const t0 = now();
	const paused = await engine.pause(id);
	const t1 = now();
	const result = await engine.resume(id);
	const t2 = now();
	check(paused, `cycle ${id}: not paused with one interrupt`);
	check(
		result === `draft for req-${id} [ok-${id}]`,
		`cycle ${id}: result ${String(result)}`,
	);
	return { total: t2 - t0, run: t1 - t0, resume: t2 - t1 };
}

/** Times `count` cycles after `warmup` untimed ones (on threads named `<prefix>warm-i`, `<prefix>c-i`). */
export async function timeCycles(
	engine: W5Engine,
	warmup: number,
	count: number,
	prefix = "",
) {
	for (let i = 0; i < warmup; i++)
		await timedCycle(engine, `${prefix}warm-${i}`);
	gc();
	const bodiesBefore = engine.reviewBodies();
	const all = [];
	for (let i = 0; i < count; i++)
		all.push(await timedCycle(engine, `${prefix}c-${i}`));
	const total = all.map((c) => c.total);
	return {
		ms_per_cycle: round(median(total), 4),
		mean_ms_per_cycle: round(
			total.reduce((a, b) => a + b, 0) / total.length,
			4,
		),
		ms_run_to_interrupt: round(median(all.map((c) => c.run)), 4),
		ms_resume_to_end: round(median(all.map((c) => c.resume)), 4),
		review_body_runs_per_cycle: (engine.reviewBodies() - bodiesBefore) / count,
	};
}

/** How an engine runs W5 on a store: in memory, and on a SQLite file (opened and closed by it). */
export interface W5Stores {
	memory(): W5Engine;
	sqlite(path: string): { engine: W5Engine; close(): Promise<void> | void };
	/** The engine's child script, beside its workload (see w5-child.ts). */
	child: string;
}

/** W5: cycles in memory, on a SQLite file, and answered from new processes. */
export async function runW5(
	stores: W5Stores,
	p: Sizes["w5"],
	dirPrefix: string,
) {
	const inMemory = stores.memory();
	const memory = await timeCycles(inMemory, p.warmup, p.cycles);
	const others =
		p.sqliteCycles === 0 ? {} : await onSqlite(stores, p, dirPrefix);
	// the in-memory cycles again after `compiledWarmup` more, last (so that no other section runs on code
	// compiled by them): what a cycle costs once the optimizing compiler is done with it (row W5-c)
	const compiled =
		p.compiledWarmup > 0
			? await timeCycles(inMemory, p.compiledWarmup, p.cycles, "compiled-")
			: undefined;
	return {
		...memory,
		...(compiled === undefined ? {} : { compiled }),
		...others,
	};
}

/** W5-s and W5-p: cycles on a SQLite file, and threads paused there answered from new processes. */
async function onSqlite(stores: W5Stores, p: Sizes["w5"], dirPrefix: string) {
	const dir = mkdtempSync(join(tmpdir(), dirPrefix));
	try {
		const path = join(dir, "w5.db");
		const { engine, close } = stores.sqlite(path);
		const sqlite = await timeCycles(engine, p.warmup, p.sqliteCycles);
		const newProcess =
			p.processes === 0
				? undefined
				: await resumeInNewProcesses(
						stores.child,
						path,
						p.processes,
						async (threadId) =>
							check(await engine.pause(threadId), `${threadId}: not paused`),
					);
		await close();
		return {
			sqlite,
			...(newProcess === undefined ? {} : { new_process: newProcess }),
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
