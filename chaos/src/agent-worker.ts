// An agent process for agent-sigkill.test.ts: opens the store, builds the agent (agent-graph.ts) and
// takes a thread on as a user would, until it is done: starts it (no checkpoint yet), answers the
// pending approval (a decision drawn by this process, journaled before it is sent), or, when nothing
// waits, `agent.recover(threadId)` once the thread reads `stale` (its dead runner's lease lapsed).
// Prints one JSON line: { status } or { error, message } (a typed error), and exits 0.
// Usage: agent-worker.ts '<AgentJob as JSON>'; "ready" on stderr, then a line "go <thread>" on stdin.
import { createInterface } from "node:readline";
import { HumanMessage } from "@langchain/core/messages";
import { Command, isWeftError } from "@weft/graph";
import { agentGraph } from "./agent-graph.ts";
import { record } from "./journal.ts";
import { openStore, type StoreLocation } from "./stores.ts";

export interface AgentJob {
	store: StoreLocation;
	threadId: string;
	journal: string;
	delayMs: number;
	leaseTtlMs: number;
	/** How long a run waits for a dead runner's lease. */
	waitForLease: number;
}

export interface AgentOutcome {
	status?: string;
	/** The WeftError code, or "UNTYPED" for anything else. */
	error?: string;
	message?: string;
	/** What this process did: start, answer, recover, continue. */
	did?: string[];
}

const job = JSON.parse(process.argv[2]!) as AgentJob;
const checkpointer = await openStore(job.store);
const agent = agentGraph(checkpointer, job);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Decision =
	| { action: "approve" }
	| { action: "reject"; reason: string }
	| { action: "edit"; args: Record<string, unknown> };

/** A decision drawn by this process: approve, reject, or edit with a body naming this process. */
function decide(call: { args: Record<string, unknown> }): Decision {
	const r = Math.random();
	if (r < 0.4) return { action: "approve" };
	if (r < 0.7) return { action: "reject", reason: `no (${process.pid})` };
	return {
		action: "edit",
		args: { ...call.args, body: `edited by ${process.pid}` },
	};
}

async function takeOn(threadId: string): Promise<AgentOutcome> {
	const did: string[] = [];
	const config = {
		threadId,
		recursionLimit: 200,
		waitForLease: job.waitForLease,
	};
	for (;;) {
		let status: string;
		if ((await checkpointer.getTuple({ threadId })) === undefined) {
			did.push("start");
			status = (
				await agent.run({ messages: [new HumanMessage(threadId)] }, config)
			).status;
		} else {
			const state = await agent.getState({ threadId });
			const pending = state.interrupts[0];
			if (pending !== undefined) {
				const calls = (
					pending.value as {
						request: {
							toolCalls: Array<{ id: string; args: Record<string, unknown> }>;
						};
					}
				).request.toolCalls;
				const byId = Object.fromEntries(calls.map((c) => [c.id, decide(c)]));
				record(
					job.journal,
					"answer",
					`${threadId}|${pending.id}|${JSON.stringify(byId)}`,
				);
				did.push("answer");
				status = (
					await agent.run(
						new Command({ resume: { [pending.id]: { byId } } }),
						config,
					)
				).status;
			} else {
				const thread = await checkpointer.getThread(threadId);
				if (thread?.status === "done") return { status: "done", did };
				if (thread?.status === "running") {
					// its runner died (or is about to end): wait until its lease lapsed
					await sleep(25);
					continue;
				}
				if (thread?.status === "stale") {
					did.push("recover");
					const { threadId: _, ...rest } = config;
					status = (await agent.recover(threadId, rest)).status;
				} else {
					did.push(`continue(${thread?.status})`);
					status = (await agent.run(null, config)).status;
				}
			}
		}
		if (status === "done") return { status, did };
	}
}

process.stderr.write("ready\n");
const lines = createInterface({ input: process.stdin });
const go = await new Promise<string>((resolve) => lines.once("line", resolve));
lines.close();
const threadId = go.slice(3);
let out: AgentOutcome;
try {
	out = await takeOn(threadId);
} catch (error) {
	out = isWeftError(error)
		? { error: error.code, message: error.message }
		: { error: "UNTYPED", message: String(error) };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
await checkpointer.close?.();
