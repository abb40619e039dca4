import type {
	Checkpointer,
	CheckpointSummary,
	ThreadInfo,
} from "@weft/checkpoint";
import { Command } from "commander";
import { treeOf } from "../branches.ts";
import { noThread, positiveInt } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { exitedHolder, exitedText } from "../exited-holder.ts";
import { WEFT } from "../invocation.ts";
import { LiveLine } from "../render/live-line.ts";
import { label, shortId, stderrLine, stdoutLine } from "../render/output.ts";
import { canRedraw } from "../render/terminal.ts";
import { writeData } from "../stdout-data.ts";
import { shellWord } from "../store.ts";
import { type StepRecord, stepRecord } from "../store-events.ts";

const ACTIVE = new Set(["running"]);

const threadInfo = (
	checkpointer: Checkpointer,
	threadId: string,
): Promise<ThreadInfo | undefined> => checkpointer.getThread(threadId);

/** A step as one line: step, nodes, run time, tokens, tool calls. */
export function stepLine(r: StepRecord): string {
	const time =
		r.durationMs === undefined ? "" : ` · ${(r.durationMs / 1000).toFixed(1)}s`;
	const tokens =
		r.tokens.input + r.tokens.output > 0
			? ` · ${r.tokens.input} in / ${r.tokens.output} out`
			: "";
	const calls =
		r.toolCalls.length === 0
			? ""
			: ` · ${label.bold("→")} ${r.toolCalls.join(", ")}`;
	const who = r.nodes.length === 0 ? r.source : r.nodes.join(", ");
	return `${label.dim(`step ${r.step}`)} ${who}${time}${tokens}${calls}`;
}

/**
 * `weft watch <thread>`: follows a run as the store records it (any process, any machine sharing the
 * store): each step with its nodes, wall time, tokens and tool calls, until the thread stops running.
 */
export async function watch(
	threadId: string,
	opts: { interval?: string; wait?: boolean },
	env: CommandEnv,
): Promise<number> {
	const interval = positiveInt(opts.interval, "--interval") ?? 250;
	const checkpointer = await env.store("read");
	const seen = new Set<string>();
	let info = await threadInfo(checkpointer, threadId);
	if (info === undefined && opts.wait !== true) throw noThread(threadId);
	let lastChange = Date.now();
	const live =
		env.out.json || !canRedraw()
			? undefined
			: new LiveLine(
					process.stdout,
					() =>
						`watching ${threadId} · ${info?.status ?? "waiting"} · step ${info?.step ?? "-"} · ${((Date.now() - lastChange) / 1000).toFixed(1)}s since the last step`,
				);
	const note = (text: string) =>
		live !== undefined
			? live.print(label.dim(text))
			: stdoutLine(label.dim(text));
	const emit = (r: StepRecord) => {
		if (env.out.json)
			writeData(`${JSON.stringify({ type: "step", threadId, ...r })}\n`);
		else if (live !== undefined) live.print(stepLine(r));
		else stdoutLine(stepLine(r));
	};
	live?.start();
	// without a live line (piped output, --json) a wait would be silent: say it once, on stderr
	if (info === undefined && live === undefined)
		stderrLine(`waiting for thread ${threadId} to appear…`);
	// a running thread whose runner exited reads `running` until its lease lapses: said once (0235)
	let toldGone = false;
	const tellGone = (t: ThreadInfo): boolean => {
		const gone = exitedHolder(t.lease);
		if (gone === undefined) return false;
		if (env.out.json)
			writeData(
				`${JSON.stringify({ type: "runnerGone", threadId, pid: gone.pid, leaseExpiresAt: gone.until })}\n`,
			);
		else note(exitedText(gone, threadId, env.storeFlags));
		return true;
	};
	// the last step shown: a new one whose parent it is not starts (or goes on) another branch
	let last: string | undefined;
	let first = true;
	try {
		while (!env.signal.aborted) {
			const fresh: CheckpointSummary[] = [];
			for await (const s of checkpointer.list({ threadId }))
				if (!seen.has(s.checkpointId)) fresh.push(s);
			// at the start, the steps of the newest branch only: the others' would interleave with them
			const shown = first ? newestBranch(fresh) : fresh.reverse();
			if (first && fresh.length > 0) {
				for (const s of fresh) seen.add(s.checkpointId);
				const others = treeOf(fresh).heads.length - 1;
				if (others > 0 && !env.out.json)
					note(
						`${others} other branch${others === 1 ? "" : "es"} not shown: \`${WEFT}${env.storeFlags} history ${shellWord(threadId)}\` lists them`,
					);
			}
			if (fresh.length > 0) first = false;
			for (const s of shown) {
				seen.add(s.checkpointId);
				if (last !== undefined && s.parentId !== last && !env.out.json)
					note(
						`another branch, from ${s.parentId === null ? "the start" : `checkpoint ${shortId(s.parentId)}`}:`,
					);
				emit(await stepRecord(checkpointer, s));
				last = s.checkpointId;
				lastChange = Date.now();
			}
			info = await threadInfo(checkpointer, threadId);
			if (info !== undefined && !ACTIVE.has(info.status) && fresh.length === 0)
				break;
			if (!toldGone && info?.status === "running") toldGone = tellGone(info);
			await new Promise((r) => setTimeout(r, interval));
		}
	} finally {
		live?.stop();
	}
	if (env.signal.aborted) return 130;
	const status = info?.status ?? "unknown";
	if (env.out.json)
		writeData(`${JSON.stringify({ type: "end", threadId, status })}\n`);
	else
		stdoutLine(
			`${label.status(status)} · thread ${threadId}${nextStep(status, threadId, env.storeFlags)}`,
		);
	return status === "failed" ? 1 : 0;
}

/** The checkpoints of the newest branch among `all` (newest first), oldest first. */
function newestBranch(all: CheckpointSummary[]): CheckpointSummary[] {
	if (all.length === 0) return [];
	return treeOf(all).chains[0] ?? [];
}

export const watchCommand = (act: Act) =>
	withExamples(
		new Command("watch")
			.argument("<thread>", "thread id")
			.description(
				"follow a run as the store records it (started by any process): steps, timings, tokens, tool calls",
			)
			.option("--interval <ms>", "how often to read the store (default 250)")
			.option("--wait", "wait for the thread to appear instead of failing")
			.action(
				act((env, thread: string, o: { interval?: string; wait?: boolean }) =>
					watch(thread, o, env),
				),
			),
		[
			"weft watch office-1",
			"weft watch office-1 --wait --json   # one JSON object per line",
		],
	);

/** What to type next after a watched run stopped, with the store flags the watch used. */
function nextStep(status: string, threadId: string, store: string): string {
	const thread = shellWord(threadId);
	if (status === "interrupted")
		return ` · see \`${WEFT}${store} pending --thread ${thread}\``;
	if (status === "stale")
		return ` · its runner stopped: \`${WEFT}${store} recover ${thread}\``;
	return "";
}
