import {
	Command,
	type Interrupt,
	type RunResult,
	type StreamConfig,
	type StreamEvent,
} from "@weft/graph";
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
import { label } from "./render/output.ts";
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
	afterAnswer = false,
): Promise<RunResult> {
	const progress = env.out.json ? undefined : new Progress();
	progress?.start(title, { afterAnswer });
	try {
		const result = await run(progress);
		if (result.status === "cancelled" && threadId !== undefined)
			await settleCancelled(await env.store(), threadId);
		return result;
	} finally {
		progress?.stop();
	}
}

/**
 * Streams a run of `graph` with the progress display (none with --json) and returns its result. A run
 * that answers a request (`input` a resume Command) prints `title` once the answer was taken.
 */
export function streamWithProgress(
	graph: AnyGraph,
	input: unknown,
	config: StreamConfig,
	env: CommandEnv,
	title: string,
): Promise<RunResult> {
	const answering = input instanceof Command && input.resume !== undefined;
	return followEvents(
		env,
		config.threadId,
		title,
		(mode) => graph.stream(input as never, { ...config, ...mode }),
		answering,
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
	afterAnswer = false,
): Promise<RunResult> {
	return underProgress(
		env,
		threadId,
		title,
		async (progress) => {
			let end: RunResult | undefined;
			for await (const e of events({ signal: env.signal, mode: "debug" })) {
				progress?.event(e);
				if (e.type === "end") end = e.result;
			}
			return end!;
		},
		afterAnswer,
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
): Promise<number> {
	const result = await followEvents(env, threadId, title, events);
	reportRun(env, threadId, result);
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
 * that the pasted command reads the same store.
 */
export function answerHint(
	threadId: string,
	interrupts: readonly Interrupt[],
	storeFlags = "",
): string {
	const id = interrupts.length > 1 ? ` --id ${interrupts[0]!.id}` : "";
	const weft = `${WEFT}${storeFlags}`;
	const thread = shellWord(threadId);
	return `answer with: ${weft} approve ${thread}${id} | ${weft} reject ${thread}${id} --reason "…" | ${weft} resume ${thread}${id} --value '<json>'`;
}

/** Prints how a run ended, and what to do next when it waits for an answer. */
export function reportRun(
	env: CommandEnv,
	threadId: string,
	result: RunResult,
): void {
	env.out.result(
		{ threadId, ...result, values: plainValue(result.values) },
		() => {
			const lines = [
				`${label.bold(label.status(result.status))} · thread ${threadId} · ${plural(result.steps, "step")} · checkpoint ${result.checkpointId ?? "-"}`,
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
				lines.push(answerHint(threadId, result.interrupts, env.storeFlags));
			if (result.status === "cancelled")
				lines.push(
					`the run is saved at its last checkpoint: continue it with \`${WEFT}${env.storeFlags} continue ${shellWord(threadId)}\``,
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
