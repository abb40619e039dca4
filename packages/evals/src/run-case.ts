import { isWeftError, threadLeaseOf, WeftError } from "@weft/checkpoint";
import {
	Command,
	type CompiledGraph,
	exitedRunner,
	type RunResult,
} from "@weft/graph";
import type { EvalCase } from "./dataset.ts";
import { toolCallsOf } from "./run-output.ts";
import type { CaseRun } from "./scorers/scorer.ts";

type AnyGraph = CompiledGraph<any, any>;

/** How one case is run. */
export interface CaseRunOptions {
	threadId: string;
	/** Answers already given in an earlier (crashed) attempt at this case; the thread continues from its checkpoint. */
	resumeFrom?: { answersUsed: number } | undefined;
	output: (values: unknown) => unknown;
	clock: () => number;
	signal: AbortSignal | undefined;
	/** Called before each answer is sent, so a crash after it resumes with the right next answer. */
	onProgress: (answersUsed: number) => Promise<void>;
	/** How long to wait for a dead runner's lease on the case's thread to expire. */
	leaseWaitMs: number;
	/** The most milliseconds the case may take: past it, its run is cancelled and the case is an error. */
	caseTimeoutMs?: number | undefined;
	/** The runs' metadata, on every checkpoint of the case. */
	metadata?: Record<string, string | number | boolean | null> | undefined;
}

/** A lease a resumed case finds on its thread, held by another runner (the crashed one, or one that runs). */
export interface HeldLease {
	caseId: string;
	threadId: string;
	/** The holder, a runner id (`host:pid:…`). */
	owner: string;
	/** When it lapses, by the store's clock. */
	expiresAt: string;
	/** The holder is a process of this machine that has exited: its lease is taken over at once. */
	exited: boolean;
	/** How long `evaluate` waits for it otherwise (`leaseWaitMs`). */
	waitMs: number;
}

/**
 * Before a case under way in a crashed run goes on: a lease still held on its thread is told to `onHeld`,
 * and given up when its holder is a process of this machine that has exited (nothing will renew it, so
 * waiting for it to lapse would only wait). Another holder is waited for, as before.
 */
export async function freeExitedLease(
	graph: AnyGraph,
	caseId: string,
	o: Pick<CaseRunOptions, "threadId" | "leaseWaitMs">,
	onHeld: ((held: HeldLease) => void) | undefined,
): Promise<void> {
	const cp = graph.checkpointer;
	if (cp === undefined) return;
	const lease = (await threadLeaseOf(cp, o.threadId))?.lease;
	if (lease === null || lease === undefined) return;
	if (Date.parse(lease.expiresAt) <= Date.now()) return; // lapsed: the run takes it over
	const exited = exitedRunner(lease.owner) !== undefined;
	onHeld?.({
		caseId,
		threadId: o.threadId,
		owner: lease.owner,
		expiresAt: lease.expiresAt,
		exited,
		waitMs: o.leaseWaitMs,
	});
	// by its token: a lease taken since (another resume) is left alone
	if (exited) await cp.releaseLease(lease);
}

/** Where a crashed case stands: undefined when its thread has no checkpoint yet (start afresh). */
async function standing(graph: AnyGraph, threadId: string) {
	try {
		return await graph.getState({ threadId });
	} catch (error) {
		if (isWeftError(error, "CHECKPOINT_NOT_FOUND")) return undefined;
		throw error;
	}
}

/** A case's error for an `input` or `output` option that threw on it. */
function mappingError(
	option: "input" | "output",
	e: unknown,
): NonNullable<CaseRun["error"]> {
	return {
		...(isWeftError(e) ? { code: e.code } : {}),
		message: `evaluate's ${option} function threw on this case: ${e instanceof Error ? e.message : String(e)}`,
	};
}

/** A case whose `input` option threw on it: that case's error, with nothing run (decision 0156). */
export function inputFailed(
	c: EvalCase,
	threadId: string,
	answersUsed: number,
	e: unknown,
): CaseRun {
	return {
		caseId: c.id,
		threadId,
		status: "error",
		values: {},
		output: undefined,
		error: mappingError("input", e),
		usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
		latencyMs: 0,
		toolCalls: [],
		answersUsed,
	};
}

/**
 * Runs the graph on one case in its own thread, answering each human checkpoint with the case's next
 * answer. A case that crashed before continues from its thread's last checkpoint. A failing graph is a
 * result (status "error"); a cancelled one throws, so that the case stays to be resumed.
 */
export async function runCase(
	graph: AnyGraph,
	c: EvalCase,
	o: CaseRunOptions,
): Promise<CaseRun> {
	const limit = caseLimit(c, o.caseTimeoutMs);
	try {
		return await runWithin(graph, c, o, limit?.signal);
	} finally {
		limit?.clear();
	}
}

/** A case's time limit: a signal that aborts with a `RUN_CANCELLED` naming it (undefined: no limit). */
function caseLimit(c: EvalCase, ms: number | undefined) {
	if (ms === undefined) return undefined;
	const controller = new AbortController();
	const timer = setTimeout(
		() =>
			controller.abort(
				new WeftError(
					"RUN_CANCELLED",
					`case "${c.id}" ran out of time: its run was cancelled after ${ms} ms (caseTimeoutMs)`,
					{
						hint: "find where its graph waits (weft show <its thread>), or give cases more time",
					},
				),
			),
		ms,
	);
	return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

async function runWithin(
	graph: AnyGraph,
	c: EvalCase,
	o: CaseRunOptions,
	limit: AbortSignal | undefined,
): Promise<CaseRun> {
	const config = {
		threadId: o.threadId,
		signal:
			limit === undefined
				? o.signal
				: o.signal === undefined
					? limit
					: AbortSignal.any([o.signal, limit]),
		waitForLease: o.leaseWaitMs,
		...(o.metadata === undefined ? {} : { metadata: o.metadata }),
	};
	const answers = c.answers ?? [];
	let answersUsed = o.resumeFrom?.answersUsed ?? 0;
	const start = o.clock();
	const answerNext = async () => {
		await o.onProgress(answersUsed + 1);
		return graph.run(new Command({ resume: answers[answersUsed++] }), config);
	};
	let result: RunResult | undefined;
	let error: CaseRun["error"];
	try {
		const before =
			o.resumeFrom === undefined
				? undefined
				: await standing(graph, o.threadId);
		if (before === undefined)
			result = await graph.run(c.input as never, config);
		else if (before.interrupts.length > 0 && answersUsed < answers.length)
			result = await answerNext();
		else if (before.next.length > 0) result = await graph.run(null, config);
		// else: the thread had finished when the eval stopped; its state is read below
		while (result?.status === "interrupted" && answersUsed < answers.length)
			result = await answerNext();
		// A cancelled run keeps its last checkpoint: the case stays "running", to be resumed; one out of
		// time is this case's error (the catch below)
		if (result?.status === "cancelled")
			throw (
				o.signal?.reason ?? limit?.reason ?? new Error("the run was cancelled")
			);
	} catch (e) {
		if (o.signal?.aborted) throw e;
		error = {
			...(isWeftError(e) ? { code: e.code } : {}),
			message: e instanceof Error ? e.message : String(e),
		};
	}
	const latencyMs = o.clock() - start;
	const state = result ?? (await standing(graph, o.threadId));
	const values = state?.values ?? {};
	const usage = await graph
		.getUsage({ threadId: o.threadId })
		.catch(() => undefined);
	let output: unknown;
	try {
		output = o.output(values);
	} catch (e) {
		// the mapping failed on this case's state: this case's error, the other cases go on (decision 0156)
		error ??= mappingError("output", e);
	}
	const status =
		error !== undefined
			? "error"
			: result?.status === "interrupted"
				? "interrupted"
				: "done";
	return {
		caseId: c.id,
		threadId: o.threadId,
		status,
		values,
		output,
		...(error === undefined
			? status === "interrupted"
				? {
						error: {
							message: `a human checkpoint is waiting, and the case has no answer ${answersUsed + 1}`,
						},
					}
				: {}
			: { error }),
		usage: {
			inputTokens: usage?.inputTokens ?? 0,
			outputTokens: usage?.outputTokens ?? 0,
			totalTokens: usage?.totalTokens ?? 0,
			...(usage?.costUsd === undefined ? {} : { costUsd: usage.costUsd }),
		},
		latencyMs,
		toolCalls: toolCallsOf(values),
		answersUsed,
	};
}
