// The server workload's clients: LangGraph SDK clients on loopback, each running the W3 loop (a new
// thread per run) as a stream of `updates`, checked event by event; and `runs.wait` one at a time.
import { Client } from "@langchain/langgraph-sdk";
import { now, text } from "../measure.ts";
import { round } from "../stats.ts";

export const GRAPH = "w3";

export const input = (turns: number) => ({
	messages: [{ role: "user", content: text("user request:") }],
	turns,
});

/** What one streamed run showed the client. */
export interface RunTrace {
	threadId: string;
	runId: string | undefined;
	firstEventMs: number;
	stepGapsMs: number[];
	/** `metadata` events: one per attempt (a run taken over after its worker died has two). */
	attempts: number;
	/** Node steps whose update never came. */
	lost: number;
	/** Updates or event ids that came more than once. */
	duplicated: number;
	ok: boolean;
	/** The `error` event's data, or what the stream threw. */
	error?: unknown;
}

interface WireMessage {
	tool_calls?: { id?: string }[];
	tool_call_id?: string;
}

/** One key per node step of the W3 loop: `agent:call_k` / `agent:final` and `tools:call_k`. */
function stepKey(node: string, update: unknown): string {
	const messages =
		(update as { messages?: WireMessage[] } | null)?.messages ?? [];
	const m = messages.at(-1);
	return `${node}:${m?.tool_calls?.[0]?.id ?? m?.tool_call_id ?? "final"}`;
}

function expectedKeys(turns: number): string[] {
	const keys = ["agent:final"];
	for (let k = 1; k <= turns; k++)
		keys.push(`agent:call_${k}`, `tools:call_${k}`);
	return keys;
}

export const newClient = (apiUrl: string) =>
	new Client({ apiUrl, defaultHeaders: {} });

/** Streams one run on a new thread and checks that every node step's update came exactly once. */
export async function streamRun(
	client: Client,
	turns: number,
): Promise<RunTrace> {
	const thread = await client.threads.create();
	const seen = new Map<string, number>();
	const ids = new Set<string>();
	let duplicated = 0;
	let runId: string | undefined;
	const t0 = now();
	let firstEventMs = -1;
	let lastUpdate: number | undefined;
	const stepGapsMs: number[] = [];
	let error: unknown;
	let attempts = 0;
	for await (const part of client.runs.stream(thread.thread_id, GRAPH, {
		input: input(turns),
		streamMode: ["updates"],
	})) {
		const t = now();
		if (firstEventMs < 0) firstEventMs = t - t0;
		const id = (part as { id?: string }).id;
		if (id !== undefined) {
			if (ids.has(id)) duplicated++;
			ids.add(id);
		}
		if (part.event === "metadata") {
			attempts++;
			runId ??= (part.data as { run_id?: string }).run_id;
		}
		if (part.event === "error") error = part.data ?? "error";
		if (part.event !== "updates") continue;
		if (lastUpdate !== undefined) stepGapsMs.push(t - lastUpdate);
		lastUpdate = t;
		for (const [node, update] of Object.entries(part.data as object)) {
			const key = stepKey(node, update);
			seen.set(key, (seen.get(key) ?? 0) + 1);
		}
	}
	const expected = expectedKeys(turns);
	const lost = expected.filter((k) => !seen.has(k)).length;
	for (const n of seen.values()) if (n > 1) duplicated += n - 1;
	const unexpected = [...seen.keys()].filter((k) => !expected.includes(k));
	return {
		threadId: thread.thread_id,
		runId,
		firstEventMs,
		stepGapsMs,
		attempts,
		lost,
		duplicated: duplicated + unexpected.length,
		ok: error === undefined && lost === 0,
		...(error === undefined ? {} : { error }),
	};
}

const pct = (sorted: number[], p: number) =>
	sorted.length === 0
		? Number.NaN
		: sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/** A figure of the server tables: whole from 100 up, "–" for none. */
export const fmt = (x: number) =>
	Number.isNaN(x) ? "–" : x >= 100 ? String(Math.round(x)) : String(x);

export const p50p99 = (values: number[]) => {
	const s = [...values].sort((a, b) => a - b);
	return { p50: round(pct(s, 0.5), 2), p99: round(pct(s, 0.99), 2) };
};

/** `runs.wait` one after the other, each on a new thread: the latency of a whole run as a caller sees it. */
export async function waitLatency(
	apiUrl: string,
	runs: number,
	turns: number,
): Promise<number[]> {
	const client = newClient(apiUrl);
	const ms: number[] = [];
	for (let i = 0; i < runs; i++) {
		const thread = await client.threads.create();
		const t0 = now();
		const out = (await client.runs.wait(thread.thread_id, GRAPH, {
			input: input(turns),
		})) as { messages?: unknown[] };
		ms.push(now() - t0);
		if (out.messages?.length !== 2 + 2 * turns)
			throw new Error(
				`runs.wait returned ${out.messages?.length} messages, not ${2 + 2 * turns}`,
			);
	}
	return ms;
}

export interface LoadResult {
	clients: number;
	runs: number;
	seconds: number;
	runs_per_s: number;
	first_event_ms: { p50: number; p99: number };
	step_ms: { p50: number; p99: number };
	events_lost: number;
	events_duplicated: number;
	failed_runs: number;
	traces: RunTrace[];
}

/**
 * `clients` SDK clients, each streaming runs one after the other until `seconds` have passed (a run
 * started before then finishes); runs/s = runs completed / time until the last one ended.
 */
export async function load(
	apiUrl: string,
	clients: number,
	seconds: number,
	turns: number,
	maxRunsPerClient = seconds > 0 ? 10_000 : 1,
): Promise<LoadResult> {
	const traces: RunTrace[] = [];
	const t0 = now();
	// seconds 0: no deadline, each client runs its maxRunsPerClient (the warm-up)
	const deadline = seconds > 0 ? t0 + seconds * 1000 : Number.POSITIVE_INFINITY;
	await Promise.all(
		Array.from({ length: clients }, async () => {
			const client = newClient(apiUrl);
			for (let i = 0; i < maxRunsPerClient && now() < deadline; i++)
				traces.push(await streamRun(client, turns));
		}),
	);
	const elapsed = (now() - t0) / 1000;
	for (const t of traces.filter((t) => !t.ok).slice(0, 3))
		process.stderr.write(
			`  failed run ${t.runId} on thread ${t.threadId}: lost ${t.lost}, ${JSON.stringify(t.error ?? null)}\n`,
		);
	return {
		clients,
		runs: traces.length,
		seconds: round(elapsed, 2),
		runs_per_s: round(traces.length / elapsed, 1),
		first_event_ms: p50p99(traces.map((t) => t.firstEventMs)),
		step_ms: p50p99(traces.flatMap((t) => t.stepGapsMs)),
		events_lost: traces.reduce((n, t) => n + t.lost, 0),
		events_duplicated: traces.reduce((n, t) => n + t.duplicated, 0),
		failed_runs: traces.filter((t) => !t.ok).length,
		traces,
	};
}
