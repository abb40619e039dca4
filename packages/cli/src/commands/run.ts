import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type Checkpointer, isWeftError } from "@weft/checkpoint";
import { type Interrupt, pendingInterrupts } from "@weft/graph";
import { Command } from "commander";
import { freeAnswer, optionalNote, resumeCommand } from "../answer-shape.ts";
import { UsageError } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { WEFT } from "../invocation.ts";
import { loadGraph } from "../load-graph.ts";
import { parseJsonArg } from "../parse-value.ts";
import { messageInputs } from "../render/messages.ts";
import { shortId, stderrLine } from "../render/output.ts";
import { printable } from "../render/printable.ts";
import { exitCodeOf, reportRun, streamWithProgress } from "../run-display.ts";
import { removeUnusedDatabase, shellWord } from "../store.ts";
import {
	type ContextOptions,
	givenContext,
	runConfig,
} from "../thread-config.ts";

interface RunOptions extends ContextOptions {
	input?: string;
	message?: string;
	thread?: string;
}

/**
 * Refuses (`USAGE`) a `--thread` id holding a control character, before anything is written: a tab or a line
 * break too, which text keeps (`printable`) but which would break every table and line that lists the thread
 * (decision 0262).
 */
export function refuseUnprintableThread(threadId: string): void {
	if (printable(threadId) !== threadId || /[\t\n]/.test(threadId))
		throw new UsageError(
			`--thread ${JSON.stringify(threadId)} holds a control character: every listing would print it to the terminal`,
			"name the thread with printable characters (letters, digits, -, _, …)",
		);
}

/** `weft run <module>`: runs a graph on the store, recording the module and context with the thread. */
export async function run(
	module: string,
	opts: RunOptions,
	env: CommandEnv,
): Promise<number> {
	if (opts.thread !== undefined) refuseUnprintableThread(opts.thread);
	const context = givenContext(opts);
	const input = inputOf(opts);
	const fresh = env.dbFile !== undefined && !existsSync(env.dbFile);
	const checkpointer = await env.store("create");
	const threadId = opts.thread ?? newThreadId();
	if (opts.thread === undefined) env.madeThread = threadId;
	let existed = true;
	try {
		const { graph, ref } = await loadGraph(
			resolve(module),
			checkpointer,
			env.base,
		);
		// -m writes the `messages` key, which the user never typed: the schema's "no key" hint would not say so
		const keys = Object.keys(graph.schema.shape);
		if (opts.message !== undefined && !keys.includes("messages"))
			throw new UsageError(
				`-m adds a user message to the state's "messages" key, and this graph's state has none (its keys: ${keys.join(", ") || "none"})`,
				`give this graph's input with --input, e.g. --input '${JSON.stringify({ [keys[0] ?? "key"]: "…" })}'`,
			);
		const before = await checkpointer.getThread(threadId);
		existed = before !== undefined;
		const waiting =
			before?.status === "interrupted"
				? await waitingAt(checkpointer, threadId)
				: undefined;
		if (waiting !== undefined) leaveWaiting(threadId, waiting, opts, env);
		// a thread that exists may be another runner's: its title once the run started (as continue's), so
		// THREAD_BUSY prints alone; a new thread's at once (nothing else can hold it)
		const result = await streamWithProgress(
			graph,
			input,
			runConfig(threadId, ref, context),
			env,
			`running ${ref} on thread ${threadId}`,
			{ afterStart: existed },
		);
		await reportRun(env, threadId, result);
		return exitCodeOf(result);
	} catch (error) {
		// another runner holds the thread: it is that runner's, never this command's to clean up
		if (isWeftError(error, "THREAD_BUSY")) throw error;
		if (!existed) {
			await dropEmptyThread(checkpointer, threadId);
			// a thread refused before its first checkpoint is gone again: the error names no thread
			const kept = await checkpointer
				.getThread(threadId)
				.catch(() => undefined);
			if (kept === undefined) env.madeThread = undefined;
		}
		if (fresh) await dropEmptyDatabase(checkpointer, env.dbFile!);
		throw error;
	}
}

/** The newest checkpoint of a thread and the requests waiting there, when any wait. */
async function waitingAt(
	checkpointer: Checkpointer,
	threadId: string,
): Promise<{ checkpointId: string; requests: Interrupt[] } | undefined> {
	const head = await checkpointer.getTuple({ threadId });
	const requests = head === undefined ? [] : pendingInterrupts(head);
	return head === undefined || requests.length === 0
		? undefined
		: { checkpointId: head.checkpoint.checkpointId, requests };
}

/**
 * A run on a thread that waits for an answer. With no input it would only start a new turn past the
 * request, unasked: refused, with the commands that answer. With input it is the thread's next turn
 * (as asked), and the request is left behind at its checkpoint, which is no branch head any more
 * (`weft pending` lists heads): the note names the command that still answers it there.
 */
function leaveWaiting(
	threadId: string,
	waiting: { checkpointId: string; requests: Interrupt[] },
	opts: RunOptions,
	env: CommandEnv,
): void {
	const t = shellWord(threadId);
	const id =
		waiting.requests.length > 1 ? ` --id ${waiting.requests[0]!.id}` : "";
	// a question whose answer has no `action` is answered with resume, in its response's shape
	const free = freeAnswer(waiting.requests[0]!.value);
	if (opts.input === undefined && opts.message === undefined)
		throw new UsageError(
			`thread "${threadId}" is waiting for an answer: a run with no input would go past it`,
			`answer it with ${free === undefined ? `\`weft approve ${t}${id}\`, \`weft reject ${t}${id} --reason "…"\` or \`weft resume ${t}${id} --value '<json>'\`` : `\`${resumeCommand("weft", t, id, free)}\`${optionalNote(free)}`}; to start its next turn anyway, give the input (-m text or --input json)`,
		);
	const cp = shortId(waiting.checkpointId);
	const later =
		free === undefined
			? `${WEFT}${env.storeFlags} approve ${t}${id} --checkpoint ${cp}`
			: resumeCommand(
					`${WEFT}${env.storeFlags}`,
					t,
					`${id} --checkpoint ${cp}`,
					free,
				);
	stderrLine(
		`note: thread ${threadId} was waiting for an answer at checkpoint ${cp}; this input starts its next turn and leaves that request behind (\`weft pending\` lists it no more): answer it later with \`${later}\` (its run goes on as a new branch from there)`,
	);
}

/** A first run that failed before saving anything leaves no database file behind (made by it). */
async function dropEmptyDatabase(
	checkpointer: Checkpointer,
	file: string,
): Promise<void> {
	await checkpointer.close?.();
	await removeUnusedDatabase(file);
}

/**
 * A run refused before its first checkpoint (input that fails the state schema) has still taken the
 * thread's lease, which made a thread row: `weft threads` would list a thread with no checkpoints that
 * `history` and `recover` say does not exist. A new thread left empty is removed again.
 */
async function dropEmptyThread(
	checkpointer: Checkpointer,
	threadId: string,
): Promise<void> {
	const t = await checkpointer.getThread(threadId).catch(() => undefined);
	// a live lease is another runner's (this run gave its own up): its thread stays
	const held = t?.lease != null && Date.parse(t.lease.expiresAt) > Date.now();
	if (t !== undefined && t.checkpoints === 0 && !held)
		await checkpointer.deleteThread(threadId).catch(() => {});
}

function inputOf(opts: RunOptions): Record<string, unknown> {
	const input =
		opts.input === undefined ? {} : parseJsonArg(opts.input, "--input");
	if (typeof input !== "object" || input === null || Array.isArray(input))
		throw new UsageError(
			"--input must be a JSON object of state keys",
			`e.g. --input '{"topic":"weft"}'`,
		);
	// messages as weft prints them (`toolCalls`) read as the graph's messages key reads them
	const values = messageInputs(input as Record<string, unknown>);
	if (opts.message === undefined) return values;
	const given = values.messages;
	const before = Array.isArray(given)
		? given
		: given === undefined
			? []
			: [given];
	return {
		...values,
		messages: [...before, { role: "user", content: opts.message }],
	};
}

const newThreadId = () =>
	`run-${new Date()
		.toISOString()
		.replace(/[-:.TZ]/g, "")
		.slice(0, 14)}-${Math.random().toString(36).slice(2, 6)}`;

export const runCommand = (act: Act) =>
	withExamples(
		new Command("run")
			.argument(
				"<module>",
				"a module exporting a compiled graph (path[#export])",
			)
			.description("run a module's graph on the store, with live progress")
			.option(
				"--input <json|@file>",
				"run input: an object of state keys (default {})",
			)
			.option(
				"-m, --message <text>",
				"add a user message to the `messages` key (chat graphs)",
			)
			.option(
				"--thread <id>",
				"thread id (default: a new one; an existing thread takes the input as its next turn)",
			)
			.option(
				"--context <json|@file>",
				"the run's user context (saved with the thread)",
			)
			.option(
				"--scopes <list>",
				"comma-separated tool scopes granted to the run (saved with the thread)",
			)
			.action(act((env, module: string, o: RunOptions) => run(module, o, env))),
		[
			`weft run src/agent.ts --message "Tell Bob the release is on Friday" --thread office-1`,
			`weft run examples/src/human-approval.ts --input '{"request":"ship on Friday"}'`,
			`weft run src/agent.ts#agent --input @input.json --scopes mail:send --context '{"user":"ann"}'`,
		],
	);
