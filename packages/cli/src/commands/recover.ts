import type { Checkpointer } from "@weft/checkpoint";
import { Command } from "commander";
import { UsageError } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { WEFT } from "../invocation.ts";
import { graphOfThread } from "../load-graph.ts";
import { runAndReport } from "../run-display.ts";
import { shellWord } from "../store.ts";
import {
	answerHint,
	questionsAt,
	refuseFinished,
	storedContext,
} from "../thread-config.ts";

/**
 * `weft recover <thread>`: continues a thread whose runner died (status `stale`): takes over its lease
 * and runs on from its last checkpoint, with the context saved with the thread. Any other thread is
 * refused as `graph.recover()` refuses it (decision 0112).
 */
export async function recover(
	threadId: string,
	env: CommandEnv,
): Promise<number> {
	const checkpointer = await env.store();
	const { graph, ref } = await graphOfThread(
		checkpointer,
		threadId,
		env.graph,
		env.base,
	);
	await refuseNotStale(checkpointer, threadId);
	const context = await storedContext(checkpointer, threadId);
	const config = {
		...(context === undefined ? {} : { context }),
		metadata: {
			graph: ref,
			...(context === undefined ? {} : { context: JSON.stringify(context) }),
		},
	};
	// graph.recover() is a run of null on the dead run's branch: streamed, so its steps show as
	// `continue`'s do; the title once the run started: a thread another runner still holds prints the
	// refusal alone
	const from = await graph.getRecoveryCheckpoint({ threadId });
	return runAndReport(
		env,
		threadId,
		`recovering thread ${threadId}${from === undefined ? "" : ` from checkpoint ${from} (the branch its runner was answering)`}`,
		(mode) =>
			graph.stream(null, {
				...config,
				...mode,
				threadId,
				...(from === undefined ? {} : { checkpointId: from }),
			}),
		{ afterStart: true },
	);
}

/**
 * What `graph.recover()` refuses, refused in CLI words (decision 0112): recover takes over a thread whose
 * runner died (`stale`; a live one answers THREAD_BUSY). A thread whose run stopped on its own is named the
 * command that goes on from there.
 */
async function refuseNotStale(
	checkpointer: Checkpointer,
	threadId: string,
): Promise<void> {
	const thread = await checkpointer.getThread(threadId);
	const t = shellWord(threadId);
	switch (thread?.status) {
		case undefined:
		case "stale":
		case "running":
			return;
		case "interrupted": {
			// recovering it would only run the asking node again to ask again
			const tuple = await checkpointer.getTuple({ threadId });
			const asked = tuple === undefined ? [] : questionsAt(tuple);
			throw new UsageError(
				`thread "${threadId}" is waiting for an answer, not stale: nothing to recover`,
				answerHint(threadId, asked),
			);
		}
		case "failed":
		case "cancelled":
			throw new UsageError(
				`thread "${threadId}" is ${thread.status}, not stale: recover takes over a thread whose runner died`,
				thread.checkpointId === null
					? `its input was never stored: start it again with \`${WEFT} run <module> --thread ${t} --input <json>\``
					: `run it on from its newest checkpoint, reusing what it saved, with \`${WEFT} continue ${t}\``,
			);
		case "done":
			await refuseFinished(checkpointer, threadId, "recover");
			throw new UsageError(
				`thread "${threadId}" is done, not stale: nothing to recover`,
				`run the tasks due at its newest checkpoint with \`${WEFT} continue ${t}\``,
			);
	}
}

export const recoverCommand = (act: Act) =>
	withExamples(
		new Command("recover")
			.argument("<thread>", "thread id")
			.description(
				"continue a thread whose runner stopped (status `stale`) from its last checkpoint",
			)
			.action(act((env, thread: string) => recover(thread, env))),
		["weft threads --status stale", "weft recover office-1"],
	);
