import type { CallOptions } from "../graph/types.ts";
import type { RunConfig } from "../runtime/events.ts";

/** What `callOptionsOf` reads of a task's run. */
export interface CallScope {
	readonly config: RunConfig;
	readonly threadId: string | undefined;
	readonly ns: string;
	readonly step: number;
}

/**
 * The options a node gives its LangChain calls: the run's callbacks and tags, and its metadata with the
 * thread, node and step added (as LangGraph names them too, so LangSmith groups a run's calls by node).
 */
export function callOptionsOf(scope: CallScope, node: string): CallOptions {
	const { callbacks, tags, metadata: own } = scope.config;
	// fields set one by one: the conditional spreads made up to three objects per call (perf, issue 17)
	const metadata: Record<string, unknown> = own === undefined ? {} : { ...own };
	if (scope.threadId !== undefined) metadata.thread_id = scope.threadId;
	if (scope.ns !== "") metadata.weft_ns = scope.ns;
	metadata.weft_node = node;
	metadata.weft_step = scope.step;
	metadata.langgraph_node = node;
	metadata.langgraph_step = scope.step;
	const options: CallOptions = { metadata };
	if (callbacks !== undefined) options.callbacks = callbacks;
	if (tags !== undefined) options.tags = [...tags];
	return options;
}
