import type { Checkpointer } from "@weft/checkpoint";
import {
	Command,
	type Interrupt,
	isWeftError,
	pendingInterrupts,
	ValidationError,
	WeftError,
} from "@weft/graph";
import { Command as CliCommand } from "commander";
import { notAnApproval } from "../answer-shape.ts";
import { answerTakenHint, recordsAnswer } from "../answer-taken.ts";
import { answeredMeanwhile } from "../answered-meanwhile.ts";
import { noThread, UsageError } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { WEFT } from "../invocation.ts";
import { graphOfThread } from "../load-graph.ts";
import { parseJsonArg } from "../parse-value.ts";
import { label, shortId } from "../render/output.ts";
import { resolveCheckpoint } from "../resolve-checkpoint.ts";
import {
	exitCodeOf,
	reportRun,
	requestText,
	streamWithProgress,
} from "../run-display.ts";
import { shellWord } from "../store.ts";
import {
	type ContextOptions,
	givenContext,
	threadRunConfig,
} from "../thread-config.ts";
import {
	type AnswerPlace,
	editedCall,
	editText,
	toolCallsOf,
} from "../tool-call-edit.ts";

type Answer =
	| { kind: "approve"; edit?: string; call?: string }
	| { kind: "reject"; reason: string }
	| { kind: "value"; value: string };

interface AnswerOptions extends ContextOptions {
	id?: string;
	checkpoint?: string;
}

/** Builds the resume value: approve / reject follow the `{ action }` shape of Weft's approval checkpoints. */
function answerOf(
	answer: Answer,
	request: Interrupt,
	place: AnswerPlace,
): unknown {
	switch (answer.kind) {
		case "approve": {
			if (answer.edit === undefined) {
				if (answer.call !== undefined)
					throw new UsageError(
						"--call names the tool call that --edit changes",
						`add --edit '{…}' with the arguments to change, or leave --call out to approve every call`,
					);
				return { action: "approve" };
			}
			const edit = parseJsonArg(answer.edit, "--edit");
			const calls = toolCallsOf(request);
			// a tool approval edits the call's arguments; a human() checkpoint takes the fields as they are
			if (calls !== undefined)
				return editedCall(calls, edit, answer.call, place);
			if (answer.call !== undefined)
				throw new UsageError(
					"--call names a tool call, and this request is not a tool approval",
					"leave --call out: --edit gives the fields of the answer",
				);
			return {
				action: "edit",
				...(typeof edit === "object" && edit !== null ? edit : { value: edit }),
			};
		}
		case "reject":
			return { action: "reject", reason: answer.reason };
		case "value":
			return parseJsonArg(answer.value, "--value");
	}
}

/** The newest head other than `newest` with a request waiting, if any. */
async function waitingHead(
	checkpointer: Checkpointer,
	threadId: string,
	newest: string,
): Promise<string | undefined> {
	const heads = (await checkpointer.getThread(threadId))?.heads ?? [];
	for (const head of heads) {
		if (head === newest) continue;
		const t = await checkpointer.getTuple({ threadId, checkpointId: head });
		if (t !== undefined && pendingInterrupts(t).length > 0) return head;
	}
	return undefined;
}

/** The request to answer: the one pending (on the newest branch, or at --checkpoint), or the one --id names. */
async function pick(
	threadId: string,
	opts: AnswerOptions,
	env: CommandEnv,
): Promise<{
	request: Interrupt;
	checkpointId: string | undefined;
	/** The checkpoint the request waits at (the one answered): its branch's context applies. */
	waitsAt: string;
}> {
	const checkpointer = await env.store();
	const at =
		opts.checkpoint === undefined
			? undefined
			: await resolveCheckpoint(checkpointer, threadId, opts.checkpoint);
	const tuple = await checkpointer.getTuple({
		threadId,
		checkpointId: at?.checkpointId,
	});
	if (tuple === undefined) throw noThread(threadId);
	const waiting = pendingInterrupts(tuple);
	if (waiting.length === 0) {
		// the newest branch is not waiting: another branch's head may be (a fork, a replay)
		const other =
			at === undefined
				? await waitingHead(
						checkpointer,
						threadId,
						tuple.checkpoint.checkpointId,
					)
				: undefined;
		const taken =
			other === undefined
				? await answerTakenHint(
						checkpointer,
						threadId,
						env.storeFlags,
						recordsAnswer(tuple),
					)
				: undefined;
		// the thread's state, not the command line: the same refusal as an answer that finds nothing
		// pending once its run starts (another answer came first, decision 0124)
		throw new WeftError(
			"NO_PENDING_INTERRUPT",
			`thread "${threadId}" is not waiting for an answer${at === undefined ? (other === undefined ? "" : " on its newest branch") : ` at checkpoint ${opts.checkpoint}`}`,
			{
				hint:
					other === undefined
						? (taken ??
							`it may have been answered already: see what it is doing with \`weft show ${threadId}\`, and what waits with \`weft pending\``)
						: `another branch waits at checkpoint ${shortId(other)}: answer it with --checkpoint ${shortId(other)} (see \`weft pending --thread ${threadId}\`)`,
			},
		);
	}
	const target =
		opts.id === undefined ? undefined : waiting.find((i) => i.id === opts.id);
	if (opts.id !== undefined && target === undefined)
		throw new UsageError(
			`no pending request "${opts.id}" in thread "${threadId}"`,
			`pending: ${waiting.map((w) => w.id).join(", ")}`,
		);
	if (opts.id === undefined && waiting.length > 1)
		throw new UsageError(
			`thread "${threadId}" has ${waiting.length} pending requests`,
			`pick one with --id (${waiting.map((w) => w.id).join(", ")})`,
		);
	return {
		request: target ?? waiting[0]!,
		checkpointId: at?.checkpointId,
		waitsAt: tuple.checkpoint.checkpointId,
	};
}

/**
 * `weft approve|reject|resume <thread>`: answers a pending request. The graph checks the answer before it
 * is stored (a bad one leaves the request pending); the run then goes on with the thread's saved context,
 * or with the one given here (whose scopes must cover the request).
 */
export async function answer(
	threadId: string,
	given: Answer,
	opts: AnswerOptions,
	env: CommandEnv,
): Promise<number> {
	const context = givenContext(opts);
	const { request, checkpointId, waitsAt } = await pick(threadId, opts, env);
	const checkpointer = await env.store();
	// a mistake in the answer's JSON is said before anything is printed
	const value = answerOf(given, request, {
		threadId,
		storeFlags: env.storeFlags,
	});
	env.out.line(
		`${label.bold("request")} from "${request.node}": ${requestText(request.value)}`,
	);
	// said with the "resuming" line, once the answer was taken: a refused one prints the refusal alone
	const edit = given.kind === "approve" ? editText(request, value) : undefined;
	const { graph, ref } = await graphOfThread(
		checkpointer,
		threadId,
		env.graph,
		env.base,
	);
	const config = await threadRunConfig(
		checkpointer,
		threadId,
		ref,
		context,
		waitsAt,
	);
	const result = await streamWithProgress(
		graph,
		new Command({ resume: { [request.id]: value } }),
		{ ...config, ...(checkpointId === undefined ? {} : { checkpointId }) },
		env,
		`resuming thread ${threadId}`,
		{ before: edit },
	).catch(async (error: unknown) => {
		throw (
			scopeRefusal(
				error,
				threadId,
				opts.scopes !== undefined,
				config.context !== undefined,
				(scopes) => sameAnswer(threadId, given, opts, env, scopes),
			) ??
			(await answeredMeanwhile(
				error,
				checkpointer,
				threadId,
				request,
				waitsAt,
			)) ??
			notAnApproval(
				error,
				given.kind,
				request.value,
				`${WEFT}${env.storeFlags}`,
				shellWord(threadId),
				`${opts.id === undefined ? "" : ` --id ${shellWord(opts.id)}`}${opts.checkpoint === undefined ? "" : ` --checkpoint ${shellWord(opts.checkpoint)}`}`,
			) ??
			error
		);
	});
	// the node asked anew on a state updated since the request was read (a fork's --set): the answer was
	// for the request as read, so it was not used (decision 0174); without a word it read as a new pause
	const asked = result.interrupts.find((i) => i.id === request.id);
	if (asked !== undefined && !sameValue(asked.value, request.value))
		env.out.line(
			`the request changed since it was read (the thread's state was updated at it): this answer was not used; the request as asked now waits`,
		);
	await reportRun(env, threadId, result);
	return exitCodeOf(result);
}

/** Two requests' values as data (a value JSON cannot write counts as the same: nothing is said). */
function sameValue(a: unknown, b: unknown): boolean {
	try {
		return JSON.stringify(a) === JSON.stringify(b);
	} catch {
		return true;
	}
}

/**
 * This answer's command line again with other `--scopes`: the options typed (the store, --graph, --id,
 * --checkpoint, --context, the answer itself) kept, so that the pasted command answers the same request.
 */
function sameAnswer(
	threadId: string,
	given: Answer,
	opts: AnswerOptions,
	env: CommandEnv,
	scopes: string,
): string {
	const word = (flag: string, value: string | undefined) =>
		value === undefined ? "" : ` ${flag} ${shellWord(value)}`;
	const answer =
		given.kind === "approve"
			? `approve ${shellWord(threadId)}${word("--call", given.call)}${word("--edit", given.edit)}`
			: given.kind === "reject"
				? `reject ${shellWord(threadId)}${word("--reason", given.reason)}`
				: `resume ${shellWord(threadId)}${word("--value", given.value)}`;
	return `${WEFT}${env.storeFlags} ${answer}${word("--id", opts.id)}${word("--checkpoint", opts.checkpoint)}${word("--context", opts.context)} --scopes ${scopes}`;
}

/** An answer refused for the caller's scopes, with a hint a CLI user can follow. */
function scopeRefusal(
	error: unknown,
	threadId: string,
	scopesGiven: boolean,
	/** whether the branch has a context saved (a thread `weft run` ran without --scopes, or a server ran, has none) */
	saved: boolean,
	command: (scopes: string) => string,
): ValidationError | undefined {
	if (!isWeftError(error, "VALIDATION_FAILED")) return undefined;
	const issues = (error as ValidationError).issues ?? [];
	const scoped = issues.find((i) => i.path[0] === "scopes");
	if (scoped === undefined) return undefined;
	const node = (error as ValidationError).node;
	// the scopes the refusal names ("the caller lacks a:b, c:d, which …"), to paste as --scopes
	const missing =
		/lacks (.+?), which/.exec(scoped.message)?.[1]?.replaceAll(", ", ",") ??
		"…";
	const approve = `\`${command(missing)}\``;
	return new ValidationError(`refused: ${scoped.message}`, {
		...(node === undefined ? {} : { node }),
		issues,
		hint: scopesGiven
			? `answer with scopes that cover the request (${approve}), leave --scopes out to use the ones saved with the thread, or reject it; the request is still pending`
			: saved
				? `the scopes saved with thread ${threadId} do not cover it: answer as a caller granted them (${approve}), or reject it; the request is still pending`
				: `thread ${threadId} has no scopes saved (it ran without --scopes, or a server ran it: the CLI does not see a server run's context): answer as a caller granted them (${approve}), or reject it; the request is still pending`,
		cause: error,
	});
}

const common = (c: CliCommand) =>
	c
		.argument("<thread>", "thread id")
		.option("--id <interrupt>", "which request, when several are pending")
		.option(
			"--checkpoint <cp>",
			"answer the request pending on this checkpoint's branch (see `weft pending`)",
		)
		.option(
			"--context <json|@file>",
			"your context (default: the one saved with the thread)",
		)
		.option(
			"--scopes <list>",
			"your comma-separated scopes: they must cover the request",
		);

export const approveCommand = (act: Act) =>
	withExamples(
		common(new CliCommand("approve"))
			.description(
				"approve the pending request (with --edit: approve with changes)",
			)
			.option(
				"--edit <json>",
				"approve with changes: tool arguments to change (the others are kept), or fields of a human() answer",
			)
			.option(
				"--call <toolCallId>",
				"with --edit, when several tool calls wait: the one to change (the others are approved as they are)",
			)
			.action(
				act(
					(
						env,
						thread: string,
						o: AnswerOptions & { edit?: string; call?: string },
					) =>
						answer(
							thread,
							{
								kind: "approve",
								...(o.edit === undefined ? {} : { edit: o.edit }),
								...(o.call === undefined ? {} : { call: o.call }),
							},
							o,
							env,
						),
				),
			),
		[
			"weft approve office-1",
			`weft approve office-1 --edit '{"to":"bob@example.com","body":"Release moved to Monday."}'`,
			`weft approve office-1 --call call-2 --edit '{"body":"See you Monday."}'`,
			"weft approve office-1 --scopes mail:send",
		],
	);

export const rejectCommand = (act: Act) =>
	withExamples(
		common(new CliCommand("reject"))
			.description("reject the pending request with a reason")
			.requiredOption("--reason <text>", "why: given to the graph as feedback")
			.action(
				act((env, thread: string, o: AnswerOptions & { reason: string }) =>
					answer(thread, { kind: "reject", reason: o.reason }, o, env),
				),
			),
		[`weft reject office-1 --reason "not before the release notes are out"`],
	);

export const resumeCommand = (act: Act) =>
	withExamples(
		common(new CliCommand("resume"))
			.description("answer the pending request with any JSON value")
			.requiredOption("--value <json|@file>", "the answer")
			.action(
				act((env, thread: string, o: AnswerOptions & { value: string }) =>
					answer(thread, { kind: "value", value: o.value }, o, env),
				),
			),
		[
			`weft resume mail --value '{"action":"edit","draft":"Dear team, …"}'`,
			"weft resume t1 --value @answer.json",
		],
	);
