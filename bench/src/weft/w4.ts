// W4 on Weft: history listing, reading old state, forking at checkpoint #100 and running the fork on.
import { JsonSerializer, MemoryCheckpointer } from "@weft/checkpoint";
import { check, now, text } from "../measure.ts";
import type { Sizes } from "../sizes.ts";
import { median, round } from "../stats.ts";
import { agentLoop, firstInput, humanMessage } from "./agent-loop.ts";
import { MESSAGES_CHANNEL } from "./messages-channel.ts";

export async function w4(p: Sizes["w4"]) {
	const graph = agentLoop(new MemoryCheckpointer());
	const thread = { threadId: "w4" };
	const t0 = now();
	await graph.invoke(firstInput(p.loops), {
		...thread,
		recursionLimit: 2 * p.loops + 10,
	});
	const buildRunMs = now() - t0;
	const finalMessages = 1 + 2 * p.loops;
	const loopsAtFork = p.forkStep / 2;

	// 1. every checkpoint, newest first, each with its state values
	const listings: number[] = [];
	let count = 0;
	let forkPoint: string | undefined;
	for (let r = 0; r < p.listings; r++) {
		count = 0;
		let messages = 0;
		const h0 = now();
		for await (const s of graph.getStateHistory(thread)) {
			count++;
			messages += s.values.messages.length;
			if (
				s.values.messages.length === p.forkStep + 1 &&
				s.values.loops === loopsAtFork &&
				s.next[0] === "agent"
			)
				forkPoint = s.checkpointId;
		}
		listings.push(now() - h0);
		check(messages > 0, "history values");
	}
	check(
		forkPoint !== undefined,
		`no checkpoint after ${p.forkStep} node-steps in the history`,
	);

	// 2. the state at checkpoint #100 and the latest state
	const oldReads: number[] = [];
	const latestReads: number[] = [];
	for (let r = 0; r < p.reads; r++) {
		let g0 = now();
		const old = await graph.getState({ ...thread, checkpointId: forkPoint });
		oldReads.push(now() - g0);
		check(
			old.values.messages.length === p.forkStep + 1 && old.next[0] === "agent",
			"state at checkpoint #100",
		);
		g0 = now();
		const latest = await graph.getState(thread);
		latestReads.push(now() - g0);
		check(latest.values.messages.length === finalMessages, "latest state");
	}
	const head = (await graph.getState(thread)).checkpointId;

	// 2b. W4-gf, the floor of that read: the same state decoded from one blob with Weft's serializer (what
	// a store keeping a full state per checkpoint would parse and rebuild per read), timed after the reads
	const serializer = new JsonSerializer();
	const place = { threadId: thread.threadId, ns: "", checkpointId: forkPoint };
	const stateAt100 = await graph.getState({
		...thread,
		checkpointId: forkPoint,
	});
	const blob = serializer.serialize(stateAt100.values, place);
	const decodes: number[] = [];
	for (let r = 0; r < p.reads; r++) {
		const d0 = now();
		const decoded = serializer.deserialize(blob, place) as {
			messages: unknown[];
		};
		decodes.push(now() - d0);
		check(decoded.messages.length === p.forkStep + 1, "the decoded state");
	}

	// 3. fork at #100 as if written by `tools`, then run the new branch to its end (10 loops)
	const updates: number[] = [];
	const resumes: number[] = [];
	for (let r = 0; r < p.forks; r++) {
		const u0 = now();
		const fork = await graph.updateState(
			{ ...thread, checkpointId: forkPoint },
			{
				messages: [humanMessage(text(`fork ${r}:`))],
				maxLoops: loopsAtFork + 10,
			},
			{ asNode: "tools" },
		);
		updates.push(now() - u0);
		const r0 = now();
		const out = await graph.invoke(null, { ...fork, recursionLimit: 50 });
		resumes.push(now() - r0);
		check(
			out.loops === loopsAtFork + 10 &&
				out.messages.length === p.forkStep + 1 + 1 + 20,
			`fork ${r} ended with loops ${out.loops}, ${out.messages.length} messages`,
		);
	}
	const original = await graph.getState({ ...thread, checkpointId: head });
	check(
		original.values.messages.length === finalMessages &&
			original.values.loops === p.loops,
		"the original branch is untouched",
	);

	return {
		messages_channel: MESSAGES_CHANNEL,
		build_run_ms: round(buildRunMs, 1),
		history_checkpoints: count,
		history_ms: round(median(listings), 2),
		get_state_old_ms: round(median(oldReads), 3),
		get_state_latest_ms: round(median(latestReads), 3),
		get_state_floor_ms: round(median(decodes), 3),
		fork_update_ms: round(median(updates), 3),
		fork_resume_ms: round(median(resumes), 2),
	};
}
