import { createHash } from "node:crypto";
import { WeftError } from "@weft/checkpoint";
import type { EventOrigin, EventTask } from "@weft/graph";

/** An RFC 4122 version 5 UUID: the SHA-1 of `namespace` (16 bytes) and `name`. */
function uuid5(name: string, namespace: Buffer): string {
	const h = createHash("sha1").update(namespace).update(name, "utf8").digest();
	h[6] = (h[6]! & 0x0f) | 0x50;
	h[8] = (h[8]! & 0x3f) | 0x80;
	const x = h.subarray(0, 16).toString("hex");
	return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** LangGraph's namespace for the uuid5 of a graph id (`NAMESPACE_GRAPH`: RFC 4122's URL namespace). */
const NAMESPACE_GRAPH = Buffer.from("6ba7b8219dad11d180b400c04fd430c8", "hex");

/** Weft's namespace for the uuid5 of a task (a random UUID, fixed once: ids stay the same across versions). */
const NAMESPACE_TASK = Buffer.from("3f0c2a8e5b7d4e19a6c1d2e4f8b09a73", "hex");

/**
 * The stable assistant id of a graph name: the uuid5 of the name in LangGraph's namespace, so a client
 * that stored an assistant id from LangGraph's server finds the same assistant here (decision 0083).
 */
export const assistantId = (graphId: string): string =>
	uuid5(graphId, NAMESPACE_GRAPH);

/** The id Weft gave an assistant before 0083, still accepted for clients that stored it. */
export function formerAssistantId(graphId: string): string {
	const h = createHash("sha1")
		.update(`weft-assistant:${graphId}`)
		.digest("hex");
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A task's id on the wire (`tasks[].id`, the keys of `thread.interrupts`, the task in a messages-tuple
 * event's `checkpoint_ns`): a UUID as LangGraph's, the same each time it is read, made from the
 * checkpoint the task is due at and Weft's own id of it (the node, or `node#i` for a Send's i-th task).
 */
export const wireTaskId = (checkpointId: string, taskId: string): string =>
	uuid5(`${checkpointId}/${taskId}`, NAMESPACE_TASK);

/**
 * A checkpoint namespace as LangGraph writes it: each task's `node:<wire task id>`, outermost first,
 * joined by `|` (a subgraph's events with `stream_subgraphs` are named `<mode>|<namespace>`).
 */
export const namespaceOf = (tasks: readonly EventTask[]): string =>
	tasks
		.map((t) => `${t.node}:${wireTaskId(t.checkpointId ?? "", t.id)}`)
		.join("|");

/**
 * What LangGraph's server sends beside a `messages-tuple` chunk about where it came from: the step, the
 * node, the task's triggers and path (a Send's task is a push, `node#i` its i-th), and the checkpoint
 * namespace of its task (`node:taskId`, after its parent tasks' for a subgraph: `useStream` tells a
 * subagent's messages by it).
 */
export function messageMetadata(origin: EventOrigin): Record<string, unknown> {
	const task = origin.tasks.at(-1)!;
	const send = /#(\d+)$/.exec(task.id);
	const ns = namespaceOf(origin.tasks);
	return {
		langgraph_step: origin.step,
		langgraph_node: task.node,
		langgraph_triggers:
			send === null ? [`branch:to:${task.node}`] : ["__pregel_push"],
		langgraph_path:
			send === null
				? ["__pregel_pull", task.node]
				: ["__pregel_push", Number(send[1])],
		langgraph_checkpoint_ns: ns,
		checkpoint_ns: ns,
	};
}

/**
 * Why a thread id cannot travel in a URL path as the SDK sends it, or undefined. The SDK writes ids into
 * paths as they are: `/` and `\` split the path, `?` and `#` end it, `%` starts an escape the server
 * decodes, the URL parser drops tabs and newlines and trims a space at the end, and `.` and `..` are
 * path steps of their own (decision 0152).
 */
export function pathProblem(id: string): string | undefined {
	const reserved = /[/\\?#%]/.exec(id);
	if (reserved !== null) return `it holds ${JSON.stringify(reserved[0])}`;
	// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
	if (/[\u0000-\u001f\u007f]/.test(id)) return "it holds a control character";
	if (id === "." || id === "..") return "it is a path step of its own";
	if (id.startsWith(" ") || id.endsWith(" "))
		return "it starts or ends with a space";
	return undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A run id from a URL path, checked: every run id the server gives is a UUID, so another string names no
 * run; it is refused with 422 `INVALID_ID`, as LangGraph's server refuses it (decision 0242).
 */
export function checkedRunId(id: string): string {
	if (UUID.test(id)) return id;
	const shown = id.length > 40 ? `${id.slice(0, 40)}…` : id;
	throw new WeftError(
		"INVALID_ID",
		`invalid run id ${JSON.stringify(shown)}: it is not a UUID`,
		{
			hint: "use the run_id the server answered when the run was created (runs.create, runs.list)",
		},
	);
}
