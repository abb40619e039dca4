// W3 on LangGraph.js: a 300-loop agent conversation on MemorySaver and on SqliteSaver (a file).
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemorySaver } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type Database from "better-sqlite3";
import { check, gc, now, PeakMemory } from "../measure.ts";
import type { Sizes } from "../sizes.ts";
import { growth, round } from "../stats.ts";
import { agentLoop, firstInput } from "./agent-loop.ts";
import { saverBytes } from "./memory-saver-bytes.ts";

const checkResult = (
	loops: number,
	out: { loops: number; messages: unknown[] },
) =>
	check(
		out.loops === loops && out.messages.length === 1 + 2 * loops,
		`ended with loops ${out.loops}, ${out.messages.length} messages`,
	);
const runConfig = (loops: number) => ({
	configurable: { thread_id: "w3" },
	recursionLimit: 2 * loops + 10,
});

async function memory(loops: number) {
	const saver = new MemorySaver();
	gc();
	const peak = new PeakMemory();
	const graph = agentLoop(saver, peak.sample);
	const t0 = now();
	const out = await graph.invoke(firstInput(loops), runConfig(loops));
	const ms = now() - t0;
	peak.sample();
	checkResult(loops, out);
	const back = await graph.getState(runConfig(loops));
	check(
		back.values.messages.length === 1 + 2 * loops,
		"the stored state reads back",
	);
	const bytes = saverBytes(saver, "w3");
	return {
		total_ms: round(ms, 1),
		ms_per_step: round(ms / (2 * loops), 3),
		stored_bytes: bytes.total,
		growth: growth(bytes.sizes),
		...peak.report(),
	};
}

async function sqlite(loops: number) {
	const dir = mkdtempSync(join(tmpdir(), "lg-w3-"));
	const path = join(dir, "w3.db");
	try {
		const saver = SqliteSaver.fromConnString(path);
		const graph = agentLoop(saver);
		gc();
		const t0 = now();
		const out = await graph.invoke(firstInput(loops), runConfig(loops));
		const ms = now() - t0;
		checkResult(loops, out);
		const db = (saver as unknown as { db: Database.Database }).db;
		const sizes = (
			db
				.prepare(
					"SELECT length(checkpoint) + length(metadata) AS n FROM checkpoints WHERE thread_id = ? ORDER BY checkpoint_id",
				)
				.all("w3") as { n: number }[]
		).map((r) => r.n);
		const blobs = db
			.prepare(
				`SELECT (SELECT coalesce(sum(length(checkpoint) + length(metadata)), 0) FROM checkpoints) AS checkpoints,
				        (SELECT coalesce(sum(length(value)), 0) FROM writes) AS writes`,
			)
			.get() as { checkpoints: number; writes: number };
		db.pragma("wal_checkpoint(TRUNCATE)");
		db.close();
		return {
			total_ms: round(ms, 1),
			ms_per_step: round(ms / (2 * loops), 3),
			db_file_bytes: statSync(path).size,
			blob_bytes: blobs.checkpoints + blobs.writes,
			growth: growth(sizes),
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export async function w3(p: Sizes["w3"]) {
	return {
		messages_channel: "MessagesAnnotation (messagesStateReducer)",
		memory: await memory(p.loops),
		...(p.sqlite ? { sqlite: await sqlite(p.loops) } : {}),
	};
}
