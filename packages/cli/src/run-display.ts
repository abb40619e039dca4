import {
	Command,
	type Interrupt,
	type RunResult,
	type StreamConfig,
	type StreamEvent,
} from "@weft/graph";
import { freeAnswer, optionalNote, resumeCommand } from "./answer-shape.ts";
import { settleCancelled } from "./cancel.ts";
import { EXIT } from "./cli-error.ts";
import type { CommandEnv } from "./env.ts";
import { WEFT } from "./invocation.ts";
import type { AnyGraph } from "./load-graph.ts";
import {
	callText,
	messageLine,
	plainMessage,
	plainValue,
} from "./render/messages.ts";
import { label, shortId } from "./render/output.ts";
import { Progress } from "./render/progress.ts";
import { plural } from "./render/terminal.ts";
import { indent, stateText, valueText } from "./render/values.ts";
import { shellWord } from "./store.ts";

/**
 * Runs `run` under the progress display (none with --json) and returns its result; a cancelled run of
 * `threadId` is settled (its lease given up) before the display stops.
 */
async function underProgress(
	env: CommandEnv,
	threadId: string | undefined,
	title: string,
	run: (progress: Progress | undefined) => Promise<RunResult>,
	held: Held = {},
): Promise<RunResult> {
	const progress = env.out.json ? undefined : new Progress();
	progress?.start(title, held);
	try {
		const result = await run(progress);
		if (result.status === "cancelled" && threadId !== undefined)
			await settleCancelled(await env.store(), threadId);
		return result;
	} finally {
		progress?.stop();
	}
}

/** Lines a run that answers a request prints only once its answer was taken (see `Progress.start`). */
export interface Held {
	afterAnswer?: boolean;
	/** Printed at the run's first event that is not a refusal (see `Progress.start`). */
	afterStart?: boolean;
	/** A line before the title (what an edit changes). */
	before?: string | undefined;
}

/**
 * Streams a run of `graph` with the progress display (none with --json) and returns its result. A run
 * that answers a request (`input` a resume Command) prints `title` (after `held.before`) once the answer
 * was taken: a refused answer prints the refusal alone. `held.afterStart`: once the run started (a run of
 * a thread that exists, which another runner may hold).
 */
export function streamWithProgress(
	graph: AnyGraph,
	input: unknown,
	config: StreamConfig,
	env: CommandEnv,
	title: string,
	held: Pick<Held, "before" | "afterStart"> = {},
): Promise<RunResult> {
	const answering = input instanceof Command && input.resume !== undefined;
	return followEvents(
		env,
		config.threadId,
		title,
		(mode) => graph.stream(input as never, { ...config, ...mode }),
		{ ...held, afterAnswer: answering },
	);
}

/**
 * Shows the events of a run (`graph.stream`, `graph.streamReplay`) as they come, under the progress
 * display, and returns its result: every command that runs a graph prints its steps alike.
 */
export function followEvents(
	env: CommandEnv,
	threadId: string | undefined,
	title: string,
	events: (mode: {
		signal: AbortSignal;
		mode: "debug";
	}) => AsyncIterable<StreamEvent>,
	held: Held = {},
): Promise<RunResult> {
	return underProgress(
		env,
		threadId,
		title,
		async (progress) => {
			let end: RunResult | undefined;
			const wrote = new Set<number>();
			let saved = 0;
			let last: number | undefined;
			for await (const e of events({ signal: env.signal, mode: "debug" })) {
				progress?.event(e);
				if (e.type === "update" && e.namespace === undefined) wrote.add(e.step);
				// a step's checkpoint after its writes: one it ran to the end (not the input's, nor a fork's);
				// `last`: the newest checkpoint's step, the one the stopped step would have followed
				if (e.type === "checkpoint" && e.namespace === undefined) {
					if (wrote.has(e.step)) saved++;
					last = Math.max(last ?? e.step, e.step);
				}
				if (e.type === "end") end = e.result;
			}
			if (end !== undefined) stepsSaved.set(end, { saved, last });
			return end!;
		},
		held,
	);
}

/**
 * Follows a run of `threadId` (`followEvents`), reports the result and returns the exit code: what
 * replay and recover do around their one call.
 */
export async function runAndReport(
	env: CommandEnv,
	threadId: string,
	title: string,
	events: Parameters<typeof followEvents>[3],
	held: Held = {},
): Promise<number> {
	const result = await followEvents(env, threadId, title, events, held);
	await reportRun(env, threadId, result);
	return exitCodeOf(result);
}

/** A pending request as a person reads it: tool approvals as the calls they would make. */
export function requestText(value: unknown): string {
	const v = value as {
		human?: unknown;
		request?: { toolCalls?: unknown };
	} | null;
	const calls = v?.request?.toolCalls;
	if (v?.human === "approve" && Array.isArray(calls))
		return `approve ${calls.map((c: { name: string; args: unknown }) => callText(c)).join(", ")}?`;
	if (typeof v?.human === "string")
		return isRecord(v.request) && Object.keys(v.request).length > 0
			? `${v.human}:\n${indent(stateText(v.request), "  ")}` // long text stays text, not escaped JSON
			: `${v.human}: ${valueText(v.request)}`;
	return valueText(value);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === "object" &&
	v !== null &&
	Object.getPrototypeOf(v) === Object.prototype;

/**
 * What to type to answer the requests of a thread; `storeFlags` (`" --db x"`, see `storeFlags()`) so
 * that the pasted command reads the same store; `at`: the checkpoint they wait at, when it is not the
 * thread's newest head (an answer without `--checkpoint` goes to the newest).
 */
export function answerHint(
	threadId: string,
	interrupts: readonly Interrupt[],
	storeFlags = "",
	at?: string,
): string {
	const id = `${interrupts.length > 1 ? ` --id ${interrupts[0]!.id}` : ""}${at === undefined ? "" : ` --checkpoint ${shortId(at)}`}`;
	const weft = `${WEFT}${storeFlags}`;
	const thread = shellWord(threadId);
	// a question whose answer has no `action`: approve and reject would only be refused
	const free = freeAnswer(interrupts[0]?.value);
	if (free !== undefined)
		return `answer with: ${resumeCommand(weft, thread, id, free)}${optionalNote(free)}`;
	return `answer with: ${weft} approve ${thread}${id} | ${weft} reject ${thread}${id} --reason "…" | ${weft} resume ${thread}${id} --value '<json>'`;
}

/**
 * The checkpoint a run stopped at (paused or cancelled) when another branch's head is newer: a run from a
 * fork or an older head that saved no step. The commands printed to go on from it must name it, as
 * `approve`, `reject`, `resume` and `continue` without a checkpoint go to the newest head.
 */
async function stoppedOffHead(
	env: CommandEnv,
	threadId: string,
	result: RunResult,
): Promise<string | undefined> {
	if (env.out.json || result.checkpointId === undefined) return undefined;
	if (result.status !== "interrupted" && result.status !== "cancelled")
		return undefined;
	// a hint, read after the run stopped: a store that fails it now leaves the hint as it was
	const newest = await env
		.store()
		.then((store) => store.getThread(threadId))
		.then(
			(thread) => thread?.checkpointId,
			() => undefined,
		);
	return newest === undefined || newest === result.checkpointId
		? undefined
		: result.checkpointId;
}

/** The steps of a run followed here that ran to their checkpoint (see `stepsText`). */
const stepsSaved = new WeakMap<
	RunResult,
	{ saved: number; last: number | undefined }
>();

/**
 * The steps a run took, as its printed lines show them. `result.steps` counts a step once started, so
 * also the one a pause or Ctrl-C stopped in its middle (decision 0088), whose writes were not saved:
 * "3 steps, paused in step 4" then, not "4 steps" after the lines of steps 1–3.
 */
function stepsText(result: RunResult): string {
	const { saved, last } = stepsSaved.get(result) ?? {};
	if (saved === undefined || saved >= result.steps)
		return plural(result.steps, "step");
	const stopped = result.status === "cancelled" ? "cancelled" : "paused";
	// no checkpoint at all (`weft continue` on a thread still waiting for its answer): no step to name
	return `${plural(saved, "step")}, ${stopped} ${last === undefined ? "before a step was saved" : `in step ${last + 1}`}`;
}

/** Prints how a run ended, and what to do next when it waits for an answer. */
export async function reportRun(
	env: CommandEnv,
	threadId: string,
	result: RunResult,
): Promise<void> {
	const at = await stoppedOffHead(env, threadId, result);
	env.out.result(
		{ threadId, ...result, values: plainValue(result.values) },
		() => {
			const lines = [
				`${label.bold(label.status(result.status))} · thread ${threadId} · ${stepsText(result)} · checkpoint ${result.checkpointId ?? "-"}`,
			];
			if (result.usage.totalTokens > 0) {
				const cost =
					result.usage.costUsd === undefined
						? ""
						: ` · $${result.usage.costUsd.toFixed(4)}${result.usage.unpricedCalls === undefined ? "" : ` + ${plural(result.usage.unpricedCalls, "unpriced call")}`}`;
				lines.push(
					`${plural(result.usage.inputTokens, "token")} in / ${result.usage.outputTokens} out${cost}`,
				);
			}
			const last = lastMessage(result.values);
			if (result.status === "done" && last !== undefined) lines.push(last);
			for (const i of result.interrupts)
				lines.push(
					`${label.status("interrupted")} at "${i.node}" (id ${i.id}): ${requestText(i.value)}`,
				);
			if (result.interrupts.length > 0)
				lines.push(answerHint(threadId, result.interrupts, env.storeFlags, at));
			if (result.status === "cancelled")
				lines.push(
					`the run is saved at its last checkpoint: continue it with \`${WEFT}${env.storeFlags} continue ${shellWord(threadId)}${at === undefined ? "" : ` --from ${shortId(at)}`}\``,
				);
			return lines.join("\n");
		},
	);
}

/** The last message of a chat state's `messages`, as `role: text`. */
function lastMessage(values: unknown): string | undefined {
	const list = (values as { messages?: unknown } | null)?.messages;
	if (!Array.isArray(list) || list.length === 0) return undefined;
	const m = plainMessage(list.at(-1));
	return m === undefined ? undefined : messageLine(m);
}

/** 0 for a run done or paused, 130 for one cancelled by Ctrl-C (a failed run throws: 1). */
export function exitCodeOf(result: RunResult): number {
	return result.status === "cancelled" ? EXIT.cancelled : EXIT.ok;
}
