import type { CallOptions } from "../graph/types.ts";
import { copyOwn } from "../runtime/copy-own.ts";
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
	const metadata = spreadable();
	if (own !== undefined) copyInto(metadata, own);
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

/**
 * Marks an object that others copy with a spread and then extend (LangChain's chat models do
 * `{ ...metadata, ...lsParams }` on each call). In Node 20, V8 copies a plain object without such a key
 * by a fast path whose copies take each added key slowly: ≈ 8 µs a model call for the call metadata
 * (perf, issue 17; decision 0044). With a non-enumerable symbol key it takes its generic path, as it
 * does for a frozen object. Nothing that lists, spreads or serializes the object sees the key.
 */
const SPREADABLE = Symbol("weft.spreadable");

/** An empty object marked `SPREADABLE`. */
function spreadable(): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	Object.defineProperty(out, SPREADABLE, { value: true });
	return out;
}

/** `{ ...from }` into `to`: copied key by key (a spread copy would be a fast-path copy, see `SPREADABLE`). */
function copyInto(
	to: Record<string, unknown>,
	from: Readonly<Record<string, unknown>>,
): void {
	copyOwn(to, from);
	// a spread copies enumerable symbol keys too
	for (const key of Object.getOwnPropertySymbols(from))
		if (Object.prototype.propertyIsEnumerable.call(from, key))
			(to as Record<symbol, unknown>)[key] = (from as Record<symbol, unknown>)[
				key
			];
}
