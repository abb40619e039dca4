import type { Checkpointer, CheckpointSummary } from "@weft/checkpoint";
import { readStepTiming } from "@weft/graph";
import { callText, plainMessage } from "./render/messages.ts";

/** One step of a thread as the store recorded it: what `watch` and `logs` show. */
export interface StepRecord {
	step: number;
	checkpointId: string;
	source: string;
	nodes: string[];
	wrote: string[];
	next: string[];
	createdAt: string;
	/**
	 * The step's run time as it recorded it (`metadata.timing`): its longest task, the nodes of a step running
	 * in parallel. Undefined for a step that ran no node (input, update, fork) or recorded no timing. Not the
	 * time since the parent checkpoint, which holds any wait for a human and the time before a fork.
	 */
	durationMs: number | undefined;
	/** Model usage of the step, by node. */
	tokens: { input: number; output: number; costUsd?: number };
	byNode: Record<
		string,
		{
			inputTokens: number;
			outputTokens: number;
			calls: number;
			costUsd?: number;
			/** Calls with no known cost, left out of `costUsd` (decision 0160). */
			unpricedCalls?: number;
		}
	>;
	/** Tool calls the step's AI messages made, as `name(args)`. */
	toolCalls: string[];
}

interface UsageLike {
	inputTokens?: number;
	outputTokens?: number;
	costUsd?: number;
	byNode?: StepRecord["byNode"];
}

/** The longest node task a step's timing records, in ms (undefined without one). */
function longestTask(
	metadata: CheckpointSummary["metadata"],
): number | undefined {
	const timing = readStepTiming(metadata);
	if (timing === undefined) return undefined;
	const all = Object.values(timing.nodes).flat();
	return all.length === 0 ? undefined : Math.max(...all);
}

/** Reads one checkpoint's step record (tool calls from its writes; an unreadable blob gives none). */
export async function stepRecord(
	checkpointer: Checkpointer,
	s: CheckpointSummary,
): Promise<StepRecord> {
	const usage = (s.metadata.usage ?? {}) as UsageLike;
	const toolCalls: string[] = [];
	if ((s.metadata.nodes ?? []).length > 0) {
		try {
			const tuple = await checkpointer.getTuple({
				threadId: s.threadId,
				checkpointId: s.checkpointId,
			});
			for (const [, , value] of tuple?.checkpoint.data.writes ?? [])
				for (const item of Array.isArray(value) ? value : [value])
					for (const c of plainMessage(item)?.toolCalls ?? [])
						toolCalls.push(callText(c));
		} catch {
			// a value this process cannot read: the step still shows
		}
	}
	return {
		step: s.step,
		checkpointId: s.checkpointId,
		source: s.source,
		nodes: s.metadata.nodes ?? [],
		wrote: s.metadata.changed ?? [],
		next: s.metadata.next ?? [],
		createdAt: s.createdAt,
		durationMs: longestTask(s.metadata),
		tokens: {
			input: usage.inputTokens ?? 0,
			output: usage.outputTokens ?? 0,
			...(usage.costUsd === undefined ? {} : { costUsd: usage.costUsd }),
		},
		byNode: usage.byNode ?? {},
		toolCalls,
	};
}
