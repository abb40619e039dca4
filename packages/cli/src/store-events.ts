import type { Checkpointer, CheckpointSummary } from "@weft/checkpoint";
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
	/** Time since the parent checkpoint: the step's wall time (nodes of a step run in parallel). */
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

/** Reads one checkpoint's step record (tool calls from its writes; an unreadable blob gives none). */
export async function stepRecord(
	checkpointer: Checkpointer,
	s: CheckpointSummary,
	parent: CheckpointSummary | undefined,
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
		durationMs:
			parent === undefined
				? undefined
				: Date.parse(s.createdAt) - Date.parse(parent.createdAt),
		tokens: {
			input: usage.inputTokens ?? 0,
			output: usage.outputTokens ?? 0,
			...(usage.costUsd === undefined ? {} : { costUsd: usage.costUsd }),
		},
		byNode: usage.byNode ?? {},
		toolCalls,
	};
}
