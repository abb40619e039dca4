// S1 of shared/bench/WORKLOADS.md, server round trips through the LangGraph SDK. One iteration, by one
// client: `threads.create()`, `runs.wait` with `{ topic }` (the run stops at the review's question),
// `runs.wait` with `command: { resume: "yes" }` (the run ends with `approved === "yes"`). Levels of 1, 4
// and 16 clients in parallel, 200 iterations a level after 4 warm-ups: iterations/s, runs.wait calls/s,
// p50 and p99 of each wait, and errors (a failed call or a wrong answer; the level goes on).
import type { Client } from "@langchain/langgraph-sdk";
import { now } from "../measure.ts";
import { round } from "../stats.ts";
import { fmt, newClient, p50p99 } from "./load.ts";

/** The assistant S1 runs: weft-graph.ts's and langgraph/graph.ts's `s1`, registered under this name. */
export const S1_GRAPH = "agent";

export interface S1Level {
	clients: number;
	iterations: number;
	seconds: number;
	iterations_per_s: number;
	waits_per_s: number;
	/** The first wait: from the input to the question. */
	ask_ms: { p50: number; p99: number };
	/** The second wait: from the answer to the end. */
	resume_ms: { p50: number; p99: number };
	errors: number;
	first_error?: string;
}

interface S1Values {
	notes?: string[];
	draft?: string;
	approved?: string;
	/** What langgraph dev answers for a run that paused (Weft answers the state, see docs/server.md). */
	__interrupt__?: Array<{ value?: { draft?: string } }>;
}

/** The first wait ended at the review's question: its payload, or else the state before the answer. */
const pausedAtQuestion = (v: S1Values, topic: string) =>
	v.__interrupt__ !== undefined
		? v.__interrupt__[0]?.value?.draft === `about ${topic}`
		: v.draft === `about ${topic}` && (v.approved ?? "") === "";

async function iteration(
	client: Client,
	n: number,
): Promise<{ ask: number; resume: number }> {
	const topic = `t${n}`;
	const thread = await client.threads.create();
	const t0 = now();
	const paused = (await client.runs.wait(thread.thread_id, S1_GRAPH, {
		input: { topic },
	})) as S1Values;
	const t1 = now();
	if (!pausedAtQuestion(paused, topic))
		throw new Error(
			`the first wait did not stop at the question: ${JSON.stringify(paused)}`,
		);
	const done = (await client.runs.wait(thread.thread_id, S1_GRAPH, {
		command: { resume: "yes" },
	})) as S1Values;
	const t2 = now();
	const notes = JSON.stringify(done.notes);
	if (
		done.approved !== "yes" ||
		notes !== JSON.stringify([`plan:${topic}`, "write", "publish"])
	)
		throw new Error(`the resumed run ended with ${JSON.stringify(done)}`);
	return { ask: t1 - t0, resume: t2 - t1 };
}

/** One level: `clients` SDK clients take iterations from one counter until `iterations` are done. */
export async function s1Level(
	apiUrl: string,
	clients: number,
	iterations: number,
	warmups: number,
): Promise<S1Level> {
	const pool = Array.from({ length: clients }, () => newClient(apiUrl));
	let topic = 0;
	let errors = 0;
	let firstError: string | undefined;
	const times: { ask: number; resume: number }[] = [];
	const drive = async (count: number, record: boolean) => {
		let taken = 0;
		await Promise.all(
			pool.map(async (client) => {
				while (taken < count) {
					taken++;
					try {
						const t = await iteration(client, topic++);
						if (record) times.push(t);
					} catch (e) {
						if (!record) continue;
						errors++;
						firstError ??= e instanceof Error ? e.message : String(e);
					}
				}
			}),
		);
	};
	await drive(warmups, false);
	const t0 = now();
	await drive(iterations, true);
	const seconds = (now() - t0) / 1000;
	return {
		clients,
		iterations,
		seconds: round(seconds, 2),
		iterations_per_s: round(times.length / seconds, 2),
		waits_per_s: round((2 * times.length) / seconds, 2),
		ask_ms: p50p99(times.map((t) => t.ask)),
		resume_ms: p50p99(times.map((t) => t.resume)),
		errors,
		...(firstError === undefined ? {} : { first_error: firstError }),
	};
}

export interface S1Row {
	target: string;
	levels: S1Level[];
}

/** The S1 table: one line per server and level, ratios against the peer's line of the same level. */
export function s1Table(rows: S1Row[], base: S1Row | undefined): string {
	const head = [
		"server",
		"clients",
		"iterations/s",
		"runs.wait/s",
		"× langgraph",
		"wait to the question p50 / p99 ms",
		"wait after the answer p50 / p99 ms",
		"langgraph p50 ÷ this",
		"errors",
	];
	const lines = [
		`| ${head.join(" | ")} |`,
		`|${head.map(() => "---").join("|")}|`,
	];
	for (const r of rows)
		for (const l of r.levels) {
			const peer = base?.levels.find((b) => b.clients === l.clients);
			const both = (l.ask_ms.p50 + l.resume_ms.p50) / 2;
			lines.push(
				`| ${[
					r.target,
					l.clients,
					fmt(l.iterations_per_s),
					fmt(l.waits_per_s),
					peer === undefined
						? "–"
						: `${round(l.waits_per_s / peer.waits_per_s, 1)}×`,
					`${fmt(l.ask_ms.p50)} / ${fmt(l.ask_ms.p99)}`,
					`${fmt(l.resume_ms.p50)} / ${fmt(l.resume_ms.p99)}`,
					peer === undefined
						? "–"
						: `${round((peer.ask_ms.p50 + peer.resume_ms.p50) / 2 / both, 1)}×`,
					l.errors === 0 ? "0" : `**${l.errors}** (${l.first_error})`,
				].join(" | ")} |`,
			);
		}
	return lines.join("\n");
}
