// A worker process: opens a store, runs the chaos graph once, prints one JSON line with the outcome and
// exits 0 (also on a typed error, which it reports). Usage: worker.ts '<WorkerJob as JSON>'.
// It writes "ready" to stderr when the store is open; with `waitForGo` it then waits for a line on
// stdin, so a test can release several workers at the same moment.
import { createInterface } from "node:readline";
import { Command, isWeftError } from "@weft/graph";
import { chaosGraph } from "./chaos-graph.ts";
import {
	type CarriedCounts,
	checkCarried,
	type FaultCounts,
	faultPool,
} from "./fault-pool.ts";
import { type KillPoint, killAround } from "./kill-points.ts";
import { pauseAfterPut } from "./pause-points.ts";
import { openStore, type StoreLocation } from "./stores.ts";

export type WorkerAction =
	| "start"
	| "continue"
	| "approve"
	| "reject"
	| "approve-by-id"
	| "replay"
	| "many"
	/**
	 * `Command({ update })` (with `resume` when `resumeAction` is set), sent only while the thread has no
	 * update checkpoint (the update applies once); after that, whatever the thread needs next.
	 */
	| "update"
	/**
	 * For each of `threads` threads (`<threadId>-<i>`): start (it pauses at the review), `Command({ update,
	 * resume })`, and, once the update's checkpoint is stored, a fork at the paused checkpoint answered
	 * "reject". With `faults`, on a Postgres pool that loses connections in puts that carry records.
	 */
	| "carried"
	/** Whatever the thread needs next: start, continue, approve, or nothing when it is done. */
	| "auto"
	/** `graph.recover` (a thread whose runner stopped), then "approve" while the thread waits at the review. */
	| "recover";

export interface WorkerJob {
	store: StoreLocation;
	threadId: string;
	action: WorkerAction;
	journal: string;
	delayMs?: number;
	rounds?: number;
	/** Run at (or answer the branch of) this checkpoint. */
	checkpointId?: string;
	/** For approve-by-id. */
	interruptId?: string;
	waitForGo?: boolean;
	/** For "many": how many threads (`<threadId>-<i>`) to start and approve one after another. */
	threads?: number;
	/** The graph's lease time-to-live. */
	leaseTtlMs?: number;
	/** More run options (e.g. `waitForLease`), passed to every run as they are. */
	runConfig?: Record<string, unknown>;
	/** For "update": the state update. */
	update?: Record<string, unknown>;
	/**
	 * For "update": the answer sent with it (and to the review afterwards; default "approve"); for
	 * "approve-by-id": the answer sent (default "approve").
	 */
	resumeAction?: "approve" | "reject";
	/** SIGKILL this process itself at a point of a checkpoint write: for "update" the update's. */
	killAt?: KillPoint;
	/** With `killAt`: the write it aims at, the update's (default) or the run's first (a thread left without checkpoints). */
	killOn?: "update" | "first";
	/** For "carried" on Postgres: the chance that a carried put's connection is terminated (per attempt). */
	faults?: number;
	/** SIGSTOP this process itself right after its n-th checkpoint write was answered (see pause-points.ts). */
	pauseAfterPut?: number;
}

export interface WorkerOutcome {
	status?: string;
	values?: Record<string, unknown>;
	interrupts?: Array<{ id: string; node: string; value: unknown }> | undefined;
	checkpointId?: string;
	/** The WeftError code, or "UNTYPED" for anything else. */
	error?: string;
	message?: string;
	/** For "many" and "carried": one outcome per run. */
	runs?: WorkerOutcome[];
	/** For "carried": which run this is (`<thread>:start`, `:update`, `:fork`). */
	label?: string;
	/** For "carried": the connections terminated, and what each carried put left in the store. */
	faults?: FaultCounts;
	carried?: CarriedCounts;
}

function outcome(result: {
	status: string;
	values: unknown;
	interrupts: unknown;
	checkpointId: string | undefined;
}): WorkerOutcome {
	return {
		status: result.status,
		values: result.values as Record<string, unknown>,
		interrupts: result.interrupts as WorkerOutcome["interrupts"],
		...(result.checkpointId === undefined
			? {}
			: { checkpointId: result.checkpointId }),
	};
}

function failure(error: unknown): WorkerOutcome {
	return isWeftError(error)
		? { error: error.code, message: error.message }
		: { error: "UNTYPED", message: String(error) };
}

const job = JSON.parse(process.argv[2]!) as WorkerJob;
const faults: FaultCounts = { attempts: 0, terminated: {} };
const carried: CarriedCounts = {
	committed: 0,
	rolledBack: 0,
	committedButFailed: 0,
	broken: [],
};
const cut =
	job.faults === undefined || job.store.kind !== "postgres"
		? undefined
		: faultPool(job.store.location.split("#")[0]!, job.faults, faults);
const reader = cut === undefined ? undefined : await openStore(job.store);
const opened = await openStore(job.store, cut?.pool);
// the kill point is read when the update is written: a worker started ahead is given it with its thread
const checkpointer =
	reader !== undefined
		? checkCarried(opened, reader, carried)
		: job.killOn === "first"
			? killAround(
					opened,
					() => job.killAt,
					() => true,
				)
			: job.action === "update"
				? killAround(
						opened,
						() => job.killAt,
						(r) => r.source === "update",
					)
				: job.pauseAfterPut !== undefined
					? pauseAfterPut(opened, job.pauseAfterPut)
					: opened;
const graph = chaosGraph(checkpointer, {
	journal: job.journal,
	delayMs: job.delayMs ?? 0,
	leaseTtlMs: job.leaseTtlMs,
});

async function once(
	threadId: string,
	action: WorkerAction,
): Promise<WorkerOutcome> {
	const config = {
		...job.runConfig,
		threadId,
		recursionLimit: 1000,
		...(job.checkpointId === undefined
			? {}
			: { checkpointId: job.checkpointId }),
	};
	try {
		switch (action) {
			case "start":
				return outcome(await graph.run({ rounds: job.rounds ?? 3 }, config));
			case "continue":
				return outcome(await graph.run(null, config));
			case "approve":
			case "reject":
				return outcome(
					await graph.run(new Command({ resume: { action } }), config),
				);
			case "approve-by-id":
				return outcome(
					await graph.run(
						new Command({
							resume: {
								[job.interruptId!]: { action: job.resumeAction ?? "approve" },
							},
						}),
						{ ...job.runConfig, threadId, recursionLimit: 1000 },
					),
				);
			case "replay":
				return outcome(
					await graph.replay({ ...config, checkpointId: job.checkpointId! }),
				);
			case "auto":
				return once(threadId, await nextAction(threadId));
			case "update":
				return await update(threadId, config);
			case "recover": {
				const { threadId: _, ...rest } = config;
				let result = await graph.recover(threadId, rest);
				while (result.status === "interrupted")
					result = await graph.run(
						new Command({ resume: { action: "approve" } }),
						config,
					);
				return outcome(result);
			}
			case "many":
			case "carried":
				throw new Error(`${action} is not a single run`);
		}
	} catch (error) {
		return failure(error);
	}
}

/** Whether the thread has a checkpoint written by `Command({ update })`. */
async function updated(threadId: string): Promise<boolean> {
	for await (const c of checkpointer.list({ threadId }))
		if (c.source === "update") return true;
	return false;
}

async function update(
	threadId: string,
	config: { threadId: string } & Record<string, unknown>,
): Promise<WorkerOutcome> {
	const action = job.resumeAction ?? "approve";
	const answer = () => graph.run(new Command({ resume: { action } }), config);
	let result: Awaited<ReturnType<typeof answer>>;
	if (!(await updated(threadId)))
		result = await graph.run(
			new Command({
				update: job.update ?? {},
				...(job.resumeAction === undefined ? {} : { resume: { action } }),
			}),
			config,
		);
	else if ((await graph.getState({ threadId })).interrupts.length > 0)
		result = await answer();
	else {
		// the dead runner's thread reads as stale once its lease lapsed: take it over, reusing what it saved
		// (on a finished thread this only records the end the dead runner could not). A runner killed after
		// it recorded the end left the thread done, which recover() refuses (decision 0112): a run of null
		// reads that end as it is
		const { threadId: _, ...rest } = config;
		result =
			(await graph.getThread({ threadId }))?.status === "done"
				? await graph.run(null, config)
				: await graph.recover(threadId, rest);
	}
	// a run that reached the review is answered by the same process
	if (result.status === "interrupted") result = await answer();
	return outcome(result);
}

async function nextAction(threadId: string): Promise<WorkerAction> {
	if ((await checkpointer.getTuple({ threadId })) === undefined) return "start";
	const state = await graph.getState({ threadId });
	return state.interrupts.length > 0 ? "approve" : "continue";
}

async function attempt(
	label: string,
	run: () => Promise<Parameters<typeof outcome>[0]>,
): Promise<WorkerOutcome> {
	try {
		return { label, ...outcome(await run()) };
	} catch (error) {
		return { label, ...failure(error) };
	}
}

async function carriedRuns(): Promise<WorkerOutcome> {
	const runs: WorkerOutcome[] = [];
	for (let i = 0; i < (job.threads ?? 1); i++) {
		const threadId = `${job.threadId}-${i}`;
		const config = { ...job.runConfig, threadId, recursionLimit: 1000 };
		const start = await attempt(`${threadId}:start`, () =>
			graph.run({ rounds: job.rounds ?? 2 }, config),
		);
		runs.push(start);
		if (start.status !== "interrupted") continue;
		runs.push(
			await attempt(`${threadId}:update`, () =>
				graph.run(
					new Command({
						update: job.update ?? {},
						resume: { action: "approve" },
					}),
					config,
				),
			),
		);
		// a fork carries records only where the paused checkpoint has a successor (the update's)
		if (await updated(threadId))
			runs.push(
				await attempt(`${threadId}:fork`, () =>
					graph.run(new Command({ resume: { action: "reject" } }), {
						...config,
						checkpointId: start.checkpointId!,
					}),
				),
			);
	}
	return { runs, faults, carried };
}

async function many(): Promise<WorkerOutcome> {
	const runs: WorkerOutcome[] = [];
	for (let i = 0; i < (job.threads ?? 1); i++) {
		const threadId = `${job.threadId}-${i}`;
		let result = await once(threadId, "start");
		if (result.status === "interrupted")
			result = await once(threadId, "approve");
		runs.push(result);
	}
	return { runs };
}

process.stderr.write("ready\n");
if (job.waitForGo === true) {
	const lines = createInterface({ input: process.stdin });
	const go = await new Promise<string>((resolve) =>
		lines.once("line", resolve),
	);
	lines.close();
	// "go <thread id>": a worker started ahead of time is told its thread when it is released, or
	// "go {…}": more of its job (thread, kill point, answer)
	const threadId = go.slice(3);
	if (threadId.startsWith("{"))
		Object.assign(job, JSON.parse(threadId) as Partial<WorkerJob>);
	else if (threadId !== "") job.threadId = threadId;
}
try {
	const result =
		job.action === "many"
			? await many()
			: job.action === "carried"
				? await carriedRuns()
				: await once(job.threadId, job.action);
	process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
	await checkpointer.close?.();
	await reader?.close?.();
	await cut?.close();
}
