// W1 on LangGraph.js: per-step overhead of a 100-node chain, without a saver and with MemorySaver.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import {
	Annotation,
	END,
	MemorySaver,
	START,
	StateGraph,
} from "@langchain/langgraph";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { check, compiledStepUs, gc, now } from "../measure.ts";
import { commitFloor, inFreshDatabase } from "../pg-commit.ts";
import type { Sizes } from "../sizes.ts";
import { growth, median, round } from "../stats.ts";
import { walCommitUs } from "../wal-commit.ts";
import { saverBytes } from "./memory-saver-bytes.ts";

const State = Annotation.Root({ count: Annotation<number>() });

function build(nodes: number, checkpointer?: BaseCheckpointSaver) {
	const t0 = now();
	// node names are computed, so the builder is typed loosely
	const g = new StateGraph(State) as any;
	for (let i = 0; i < nodes; i++)
		g.addNode(`n${i}`, (s: { count: number }) => ({ count: s.count + 1 }));
	g.addEdge(START, "n0");
	for (let i = 0; i + 1 < nodes; i++) g.addEdge(`n${i}`, `n${i + 1}`);
	g.addEdge(`n${nodes - 1}`, END);
	const graph = g.compile(checkpointer === undefined ? {} : { checkpointer });
	return { graph, compileMs: now() - t0 };
}

export async function w1(p: Sizes["w1"]) {
	const limit = { recursionLimit: p.nodes + 10 };
	const plain = build(p.nodes);
	for (let i = 0; i < p.plainWarmup; i++) {
		const out = await plain.graph.invoke({ count: 0 }, limit);
		check(out.count === p.nodes, `count ${out.count}`);
	}
	gc();
	let t0 = now();
	let wrong = 0;
	for (let i = 0; i < p.plain; i++)
		if ((await plain.graph.invoke({ count: 0 }, limit)).count !== p.nodes)
			wrong++;
	const plainUs = ((now() - t0) * 1000) / (p.plain * p.nodes);
	check(wrong === 0, `${wrong} runs without a saver ended with a wrong count`);

	const saver = new MemorySaver();
	const saved = build(p.nodes, saver).graph;
	const cfg = (thread: string) => ({
		...limit,
		configurable: { thread_id: thread },
	});
	for (let i = 0; i < p.savedWarmup; i++) {
		const out = await saved.invoke({ count: 0 }, cfg(`warm-${i}`));
		check(out.count === p.nodes, `count ${out.count}`);
	}
	const one = saverBytes(saver, `warm-${p.savedWarmup - 1}`);
	gc();
	t0 = now();
	for (let i = 0; i < p.saved; i++)
		if ((await saved.invoke({ count: 0 }, cfg(`t-${i}`))).count !== p.nodes)
			wrong++;
	const savedUs = ((now() - t0) * 1000) / (p.saved * p.nodes);
	check(wrong === 0, `${wrong} runs with a saver ended with a wrong count`);
	const last = await saved.getState(cfg(`t-${p.saved - 1}`));
	check(last.values.count === p.nodes, "the stored state reads back");

	const durable = {
		...(p.sqlite > 0 ? { sqlite: await sqlite(p) } : {}),
		...(p.postgres > 0 ? { postgres: await inFreshDatabase(postgres(p)) } : {}),
	};
	// the chain without a store again after `plainCompiledWarmup` more runs, last (so that no other section
	// runs on code compiled by them): what it costs once the optimizing compiler is done (row W1a-c)
	const compiledUs = await compiledStepUs(
		p,
		async () => (await plain.graph.invoke({ count: 0 }, limit)).count,
	);
	return {
		us_per_step_no_store: round(plainUs, 2),
		...(compiledUs === undefined
			? {}
			: { us_per_step_no_store_compiled: round(compiledUs, 2) }),
		us_per_step_memory: round(savedUs, 2),
		memory_over_no_store: round(savedUs / plainUs, 2),
		checkpoint_bytes_per_run: one.total,
		checkpoints_per_run: one.sizes.length,
		growth: growth(one.sizes),
		compile_ms: round(plain.compileMs, 2),
		...durable,
	};
}

/** W1d: the chain on SqliteSaver (a file), next to one WAL commit measured here. */
async function sqlite(p: Sizes["w1"]) {
	const dir = mkdtempSync(join(tmpdir(), "lg-w1-"));
	try {
		const saver = SqliteSaver.fromConnString(join(dir, "w1.db"));
		const graph = build(p.nodes, saver).graph;
		const cfg = (thread: string) => ({
			recursionLimit: p.nodes + 10,
			configurable: { thread_id: thread },
		});
		for (let i = 0; i < p.durableWarmup; i++) {
			const out = await graph.invoke({ count: 0 }, cfg(`warm-${i}`));
			check(out.count === p.nodes, `count ${out.count}`);
		}
		gc();
		const t0 = now();
		let wrong = 0;
		for (let i = 0; i < p.sqlite; i++)
			if ((await graph.invoke({ count: 0 }, cfg(`s-${i}`))).count !== p.nodes)
				wrong++;
		const us = ((now() - t0) * 1000) / (p.sqlite * p.nodes);
		check(wrong === 0, `${wrong} runs on SqliteSaver ended with a wrong count`);
		const last = await graph.getState(cfg(`s-${p.sqlite - 1}`));
		check(last.values.count === p.nodes, "the SqliteSaver state reads back");
		(saver as unknown as { db: { close(): void } }).db.close();
		const wal = walCommitUs();
		return {
			us_per_step: round(us, 2),
			wal_commit_us: wal,
			over_wal_commit: round(us / wal, 2),
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * W1p: the chain on PostgresSaver in a fresh database, each run followed by a batch of round-trip commits on
 * one connection (W1p-f): the medians of both, and their quotient.
 */
const postgres = (p: Sizes["w1"]) => async (connectionString: string) => {
	const saver = PostgresSaver.fromConnString(connectionString);
	try {
		await saver.setup();
		const floor = await commitFloor(connectionString);
		try {
			const graph = build(p.nodes, saver).graph;
			const cfg = (thread: string) => ({
				recursionLimit: p.nodes + 10,
				configurable: { thread_id: thread },
			});
			for (let i = 0; i < p.durableWarmup; i++) {
				const out = await graph.invoke({ count: 0 }, cfg(`warm-${i}`));
				check(out.count === p.nodes, `count ${out.count}`);
			}
			const steps: number[] = [];
			const commits: number[] = [];
			let wrong = 0;
			for (let i = 0; i < p.postgres; i++) {
				gc();
				const t0 = now();
				const run = await graph.invoke({ count: 0 }, cfg(`p-${i}`));
				steps.push(((now() - t0) * 1000) / p.nodes);
				if (run.count !== p.nodes) wrong++;
				commits.push(await floor.batch(p.postgresCommits));
			}
			check(
				wrong === 0,
				`${wrong} runs on PostgresSaver ended with a wrong count`,
			);
			const last = await graph.getState(cfg(`p-${p.postgres - 1}`));
			check(
				last.values.count === p.nodes,
				"the PostgresSaver state reads back",
			);
			const us = median(steps);
			const commit = median(commits);
			return {
				us_per_step: round(us, 2),
				round_trip_commit_us: round(commit, 2),
				over_round_trip_commit: round(us / commit, 2),
			};
		} finally {
			await floor.close();
		}
	} finally {
		await saver.end();
	}
};
