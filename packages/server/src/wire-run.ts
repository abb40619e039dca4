import type { RunRecord } from "./thread-registry.ts";

/** A run in LangGraph's `Run` shape. */
export const toRun = (r: RunRecord) => ({
	run_id: r.runId,
	thread_id: r.threadId,
	assistant_id: r.assistantId,
	created_at: r.createdAt,
	updated_at: r.updatedAt,
	status: r.status,
	metadata: r.metadata,
	kwargs: r.kwargs ?? {},
	multitask_strategy: r.multitaskStrategy,
});
