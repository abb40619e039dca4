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
	const { callbacks, tags, metadata } = scope.config;
	const options: CallOptions = {
		metadata: {
			...metadata,
			...(scope.threadId === undefined ? {} : { thread_id: scope.threadId }),
			...(scope.ns === "" ? {} : { weft_ns: scope.ns }),
			weft_node: node,
			weft_step: scope.step,
			langgraph_node: node,
			langgraph_step: scope.step,
		},
	};
	if (callbacks !== undefined) options.callbacks = callbacks;
	if (tags !== undefined) options.tags = [...tags];
	return options;
}
