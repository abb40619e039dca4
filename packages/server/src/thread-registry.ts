import { randomUUID } from "node:crypto";

/** What the server keeps of a thread besides its checkpoints. */
export interface ThreadRecord {
	threadId: string;
	owner: string | undefined;
	metadata: Record<string, unknown>;
	createdAt: string;
	updatedAt: string;
	/** The graph its runs use (set by the first run, or `metadata.graph_id`). */
	graphId: string | undefined;
}

/** A server run: what was asked and where it is in its lifecycle. */
export interface RunRecord {
	runId: string;
	threadId: string;
	assistantId: string;
	graphId: string;
	owner: string | undefined;
	status: import("./run-lifecycle.ts").RunLifecycleStatus;
	metadata: Record<string, unknown>;
	multitaskStrategy: string;
	createdAt: string;
	updatedAt: string;
}

/** Thread and run records of one server process (the state itself lives in the checkpointer). */
export class ThreadRegistry {
	readonly threads = new Map<string, ThreadRecord>();
	readonly runs = new Map<string, RunRecord>();

	createThread(init: {
		threadId?: string | undefined;
		owner: string | undefined;
		metadata?: Record<string, unknown> | undefined;
	}): ThreadRecord {
		const now = new Date().toISOString();
		const metadata = { ...init.metadata };
		if (metadata.graph_id === undefined || metadata.graph_id === null)
			delete metadata.graph_id;
		const record: ThreadRecord = {
			threadId: init.threadId ?? randomUUID(),
			owner: init.owner,
			metadata,
			createdAt: now,
			updatedAt: now,
			graphId:
				typeof metadata.graph_id === "string" ? metadata.graph_id : undefined,
		};
		this.threads.set(record.threadId, record);
		return record;
	}

	runsOf(threadId: string): RunRecord[] {
		return [...this.runs.values()]
			.filter((r) => r.threadId === threadId)
			.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
	}
}
