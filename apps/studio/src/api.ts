import type { JsonSchema } from "./json-schema.ts";

/** The studio's calls to @weft/server (same origin): the LangGraph-compatible API and `/studio/api`. */

export interface ThreadRow {
	thread_id: string;
	status: string;
	created_at: string;
	updated_at: string;
	step: number;
	checkpoints: number;
	branches: number;
	metadata: Record<string, unknown>;
	graph_id: string | null;
}

export interface CheckpointRow {
	checkpoint_id: string;
	parent_id: string | null;
	step: number;
	source: string;
	created_at: string;
	seq: number;
	nodes: string[];
	next: string[];
	changed: string[];
	/** Set on a checkpoint whose row the store could not read: the store's error (other fields unknown). */
	damaged?: { code: string; message: string };
}

/** A human checkpoint's schemas as JSON Schema (null when the server does not know them). */
export interface RequestSchemas {
	human: string | null;
	request_schema: JsonSchema | null;
	response_schema: JsonSchema | null;
}

export interface Interrupt extends RequestSchemas {
	id: string;
	node: string;
	value: unknown;
}

/** A model call a step made (`metadata.timing.calls`); prompt and response when content was recorded. */
export interface ModelCall {
	node: string;
	model: string;
	durationMs: number;
	inputTokens: number;
	outputTokens: number;
	cachedTokens: number;
	costUsd?: number;
	cacheHit: boolean;
	fallback: boolean;
	finishReason?: string;
	prompt?: Array<Record<string, unknown>>;
	response?: Record<string, unknown>;
}

/** A step's timing, as `stepTiming` reads it from the checkpoint's metadata. */
export interface StepTiming {
	nodes: Record<string, number[]>;
	models?: Record<string, number[]>;
	errors?: Array<{ node: string; code: string }>;
	calls?: ModelCall[];
}

/**
 * The step's timing from its metadata. Stored as an object; for a step that only ran one task per node,
 * as the list of their durations in the order of `metadata.nodes`; for such a step of one node, as its
 * duration alone (see `readStepTiming` in `@weft/graph`, which this browser code cannot import).
 */
export function stepTiming(metadata: StepMetadata): StepTiming | undefined {
	const timing = metadata.timing;
	if (typeof timing !== "number" && !Array.isArray(timing)) return timing;
	const t = typeof timing === "number" ? [timing] : timing;
	const names = metadata.nodes;
	// as readStepTiming: a list that does not match the step's nodes is no timing; names are data
	if (!Array.isArray(names) || names.length !== t.length) return undefined;
	const nodes = Object.create(null) as Record<string, number[]>;
	for (let i = 0; i < t.length; i++) {
		const name = names[i];
		const ms = t[i];
		if (typeof name !== "string" || typeof ms !== "number") return undefined;
		nodes[name] = [ms];
	}
	return { nodes };
}

/** What a step records of itself in its checkpoint's metadata. */
export interface StepMetadata {
	timing?: StepTiming | number[] | number;
	usage?: UsageTotals & {
		byNode: Record<string, UsageTotals>;
		byModel: Record<string, UsageTotals>;
	};
	[key: string]: unknown;
}

export interface UsageTotals {
	inputTokens: number;
	outputTokens: number;
	totalTokens: number;
	cachedTokens: number;
	costUsd?: number;
	calls: number;
	/** Calls with no known cost, left out of `costUsd` (decision 0160). */
	unpricedCalls?: number;
}

export interface StepError {
	node: string;
	code: string;
	message: string;
	hint: string | null;
}

export interface CheckpointState {
	checkpoint_id: string;
	parent_id: string | null;
	step: number;
	source: string;
	created_at: string;
	values: Record<string, unknown> | null;
	next: string[];
	writes: Record<string, Record<string, unknown>>;
	interrupts: Interrupt[];
	errors: StepError[];
	metadata: StepMetadata;
	has_graph: boolean;
}

export interface InboxRow extends RequestSchemas {
	thread_id: string;
	checkpoint_id: string;
	interrupt_id: string;
	node: string;
	value: unknown;
	updated_at: string;
	graph_id: string | null;
}

/** A head the inbox could not read for its requests: its stored data is damaged (or of a type or key the server lacks). */
export interface UnreadableThread {
	thread_id: string;
	/** The head that could not be read (the thread's other branches are read). */
	checkpoint_id: string;
	unreadable: { code: string; message: string };
	updated_at: string;
	graph_id: string | null;
}

/** What the inbox lists: the requests waiting, and the threads it could not read. */
export type InboxEntry = InboxRow | UnreadableThread;

/** A run as the server answers it (LangGraph's `Run`). */
export interface RunRow {
	run_id: string;
	thread_id: string;
	assistant_id: string;
	status: string;
	created_at: string;
	/** What the run was asked (input, command, …). */
	kwargs?: { input?: unknown; command?: { update?: unknown } | null };
}

/** The run is still going (its stream may have more events). */
export const isActive = (status: string) =>
	status === "pending" || status === "running";

/** `graph.describe()` of a registered graph: subgraph nodes are `parent/name`. */
export interface GraphShape {
	nodes: Array<{
		id: string;
		name: string;
		parent: string | null;
		subgraph: boolean;
	}>;
	edges: Array<{
		source: string;
		target: string;
		kind: "edge" | "join" | "conditional" | "ends";
		label?: string;
	}>;
}

/** One page of a thread's checkpoints, newest first; `next` is the cursor of the page after it. */
export interface TreePage {
	rows: CheckpointRow[];
	next: string | null;
}

const TOKEN_KEY = "weft.studio.token";

/** The bearer token the studio sends (kept in this browser's localStorage), if one was given. */
export const token = {
	// (no localStorage outside a browser, e.g. the SSE follower under Node: no token)
	get: (): string | null =>
		typeof localStorage === "undefined"
			? null
			: localStorage.getItem(TOKEN_KEY),
	set: (value: string) => localStorage.setItem(TOKEN_KEY, value),
	clear: () => localStorage.removeItem(TOKEN_KEY),
};

/** Headers every call carries: the stored bearer token, if any. */
export function authHeaders(): Record<string, string> {
	const t = token.get();
	return t === null ? {} : { authorization: `Bearer ${t}` };
}

/** An answer of the server that is not 2xx: its `{ detail, code, hint }`. */
export class ApiError extends Error {
	constructor(
		message: string,
		readonly code: string,
		readonly hint: string | undefined,
	) {
		super(message);
	}
}

async function send(path: string, init?: RequestInit): Promise<Response> {
	try {
		return await fetch(path, {
			...init,
			headers: {
				"content-type": "application/json",
				...authHeaders(),
				...init?.headers,
			},
		});
	} catch (error) {
		// the browser's own words ("Failed to fetch") say neither what nor what to do
		if (init?.signal?.aborted === true) throw error;
		throw new ApiError(
			`the server at ${location.origin} does not answer (${error instanceof Error ? error.message : String(error)})`,
			"SERVER_UNREACHABLE",
			"check that weft dev (or weft studio) still runs there; this page reads it again once it answers",
		);
	}
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
	return read<T>(await send(path, init));
}

async function read<T>(res: Response): Promise<T> {
	const text = await res.text();
	let body: any = null;
	try {
		body = text === "" ? null : JSON.parse(text);
	} catch {
		// not the server's JSON (a proxy's error page): its status says what went wrong
		if (res.ok)
			throw new ApiError(
				"the server's answer is not JSON",
				String(res.status),
				undefined,
			);
	}
	if (!res.ok)
		throw new ApiError(
			body?.detail ?? res.statusText,
			body?.code ?? String(res.status),
			body?.hint,
		);
	return body as T;
}

const post = <T>(path: string, body: unknown) =>
	call<T>(path, { method: "POST", body: JSON.stringify(body) });

/** `runs/wait` answers 200 with `__error__` when the run failed (e.g. an answer the schema refused). */
async function waitRun(path: string, body: unknown) {
	const out = await post<Record<string, unknown>>(path, body);
	const error = out?.__error__ as
		| { error?: string; message?: string }
		| undefined;
	if (error !== undefined)
		throw new ApiError(
			error.message ?? "the run failed",
			// the server sends a code with every failure; one without is a failure it did not classify
			// either, which it reports as NODE_FAILED (toHttpError)
			error.error ?? "NODE_FAILED",
			undefined,
		);
	return out;
}
const enc = encodeURIComponent;

export const api = {
	info: () => call<{ graphs: string[]; can_run: boolean }>("/studio/api/info"),
	threads: (q: string, offset: number, limit: number) =>
		call<{ total: number; threads: ThreadRow[] }>(
			`/studio/api/threads?q=${enc(q)}&offset=${offset}&limit=${limit}`,
		),
	tree: (threadId: string) =>
		call<CheckpointRow[]>(`/studio/api/threads/${enc(threadId)}/tree`),
	checkpoint: (threadId: string, checkpointId: string) =>
		call<CheckpointState>(
			`/studio/api/threads/${enc(threadId)}/checkpoints/${enc(checkpointId)}`,
		),
	/** A page of the tree, newest first, before the `before` cursor. */
	treePage: async (
		threadId: string,
		before: string | undefined,
		limit: number,
	): Promise<TreePage> => {
		const res = await send(
			`/studio/api/threads/${enc(threadId)}/tree?limit=${limit}&before=${enc(before ?? "")}`,
		);
		const rows = await read<CheckpointRow[]>(res);
		return { rows, next: res.headers.get("x-next-cursor") };
	},
	inbox: () => call<InboxEntry[]>("/studio/api/inbox"),
	graph: (graphId: string) =>
		call<GraphShape>(`/studio/api/graphs/${enc(graphId)}`),
	/**
	 * Resumes the paused run with the answer and waits for it (POST /threads/:id/runs/wait); `scopes`: the
	 * tool scopes the answering person grants its run (`context.scopes`), as `weft approve --scopes`.
	 */
	answer: (
		threadId: string,
		graphId: string,
		checkpointId: string,
		interruptId: string,
		value: unknown,
		scopes: string[] = [],
	) =>
		waitRun(`/threads/${enc(threadId)}/runs/wait`, {
			assistant_id: graphId,
			checkpoint_id: checkpointId,
			command: { resume: { [interruptId]: value } },
			...(scopes.length === 0 ? {} : { context: { scopes } }),
		}),
	/** Fork: a new checkpoint after `checkpointId` with `values` (POST /threads/:id/state). */
	fork: (threadId: string, checkpointId: string, values: unknown) =>
		post<{ checkpoint: { checkpoint_id: string } }>(
			`/threads/${enc(threadId)}/state`,
			{ checkpoint_id: checkpointId, values },
		),
	/** The graph's state schema as JSON Schema (`GET /assistants/:id/schemas`). */
	stateSchema: (graphId: string) =>
		call<{ state_schema: JsonSchema | null }>(
			`/assistants/${enc(graphId)}/schemas`,
		).then((r) => r.state_schema),
	/**
	 * Starts a run from a checkpoint in the background, recording values, updates and tokens
	 * (`messages-tuple`) for its stream; the studio then follows `runStreamUrl`.
	 */
	startRun: (threadId: string, graphId: string, checkpointId: string) =>
		post<RunRow>(`/threads/${enc(threadId)}/runs`, {
			assistant_id: graphId,
			checkpoint_id: checkpointId,
			input: null,
			stream_mode: ["values", "updates", "messages-tuple"],
		}),
	run: (threadId: string, runId: string) =>
		call<RunRow>(`/threads/${enc(threadId)}/runs/${enc(runId)}`),
	/** The run going on in the thread, if any. */
	activeRun: async (threadId: string) => {
		for (const status of ["running", "pending"]) {
			const runs = await call<RunRow[]>(
				`/threads/${enc(threadId)}/runs?status=${status}&limit=1`,
			);
			if (runs[0] !== undefined) return runs[0];
		}
		return null;
	},
	/**
	 * Why the thread's newest run failed (its `join` answers LangGraph's `__error__`), or null when it did
	 * not fail (or no run of this server's is known: a thread of `weft run`).
	 */
	lastFailure: async (threadId: string) => {
		const [run] = await call<RunRow[]>(
			`/threads/${enc(threadId)}/runs?limit=1`,
		);
		if (
			run === undefined ||
			(run.status !== "error" && run.status !== "timeout")
		)
			return null;
		const out = await call<{
			__error__?: { error?: string; message?: string };
		}>(`/threads/${enc(threadId)}/runs/${enc(run.run_id)}/join`);
		const e = out?.__error__;
		return e === undefined
			? null
			: new ApiError(
					e.message ?? `run ${run.run_id} failed`,
					e.error ?? "NODE_FAILED",
					undefined,
				);
	},
	runStreamUrl: (threadId: string, runId: string) =>
		`/threads/${enc(threadId)}/runs/${enc(runId)}/stream`,
	cancelRun: (threadId: string, runId: string) =>
		call<null>(`/threads/${enc(threadId)}/runs/${enc(runId)}/cancel`, {
			method: "POST",
		}),
	/** Runs on from a checkpoint (a replay, or the continuation of a fork). */
	runFrom: (threadId: string, graphId: string, checkpointId: string) =>
		waitRun(`/threads/${enc(threadId)}/runs/wait`, {
			assistant_id: graphId,
			checkpoint_id: checkpointId,
			input: null,
		}),
};
