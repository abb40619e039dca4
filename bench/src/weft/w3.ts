// W3 on Weft: a 300-loop agent conversation, in memory and on a SQLite file; time, memory, bytes, growth.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import Database from "better-sqlite3";
import { check, gc, now, PeakMemory } from "../measure.ts";
import type { Sizes } from "../sizes.ts";
import { growth, round } from "../stats.ts";
import { agentLoop, firstInput } from "./agent-loop.ts";
import { MESSAGES_CHANNEL } from "./messages-channel.ts";
import { checkpointSizes } from "./stored-sizes.ts";

const checkResult = (
	loops: number,
	out: { loops: number; messages: unknown[] },
) =>
	check(
		out.loops === loops && out.messages.length === 1 + 2 * loops,
		`ended with loops ${out.loops}, ${out.messages.length} messages`,
	);
const runConfig = (loops: number) => ({
	threadId: "w3",
	recursionLimit: 2 * loops + 10,
});

async function memory(loops: number) {
	const store = new MemoryCheckpointer();
	gc();
	const peak = new PeakMemory();
	const graph = agentLoop(store, peak.sample);
	const t0 = now();
	const out = await graph.invoke(firstInput(loops), runConfig(loops));
	const ms = now() - t0;
	peak.sample();
	checkResult(loops, out);
	const back = await graph.getState({ threadId: "w3" });
	check(
		back.values.messages.length === 1 + 2 * loops,
		"the stored state reads back",
	);
	const sizes = await checkpointSizes(store, "w3");
	return {
		total_ms: round(ms, 1),
		ms_per_step: round(ms / (2 * loops), 3),
		stored_bytes: store.storedBytes("w3"),
		growth: growth(sizes),
		...peak.report(),
	};
}

async function sqlite(loops: number) {
	const dir = mkdtempSync(join(tmpdir(), "weft-w3-"));
	const path = join(dir, "w3.db");
	try {
		const store = new SqliteCheckpointer({ path });
		const graph = agentLoop(store);
		gc();
		const t0 = now();
		const out = await graph.invoke(firstInput(loops), runConfig(loops));
		const ms = now() - t0;
		checkResult(loops, out);
		const sizes = await checkpointSizes(store, "w3");
		await store.close();
		const db = new Database(path);
		const blobs = db
			.prepare(
				`SELECT (SELECT coalesce(sum(length(data) + length(metadata)), 0) FROM checkpoints) AS checkpoints,
				        (SELECT coalesce(sum(length(data)), 0) FROM writes) AS writes`,
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
		messages_channel: MESSAGES_CHANNEL,
		memory: await memory(p.loops),
		...(p.sqlite ? { sqlite: await sqlite(p.loops) } : {}),
	};
}
