import { Command, type Interrupt, pendingInterrupts } from "@weft/graph";
import { noThread, UsageError } from "../cli-error.ts";
import type { CommandEnv } from "../env.ts";
import { graphOfThread } from "../load-graph.ts";
import { parseJsonArg } from "../parse-value.ts";
import { label } from "../render/output.ts";
import { table } from "../render/table.ts";
import { exitCodeOf, reportRun, streamWithProgress } from "./run.ts";

/** `weft pending`: every request waiting for an answer, across threads (or in one). */
export async function pending(
	opts: { thread?: string },
	env: CommandEnv,
): Promise<number> {
	const checkpointer = await env.store();
	const ids =
		opts.thread !== undefined
			? [opts.thread]
			: (await checkpointer.listThreads({ status: "interrupted" })).map(
					(t) => t.threadId,
				);
	const rows: Array<Interrupt & { threadId: string }> = [];
	for (const threadId of ids) {
		const tuple = await checkpointer.getTuple({ threadId });
		if (tuple !== undefined)
			for (const i of pendingInterrupts(tuple)) rows.push({ threadId, ...i });
	}
	env.out.result(rows, () =>
		rows.length === 0
			? "nothing is waiting for an answer"
			: table(
					["thread", "node", "interrupt", "request"],
					rows.map((r) => [
						r.threadId,
						r.node,
						r.id,
						JSON.stringify(r.value, null, 2),
					]),
				),
	);
	return 0;
}

type Answer =
	| { kind: "approve"; edit?: string }
	| { kind: "reject"; reason: string }
	| { kind: "value"; value: string };

/** Builds the resume value: approve / reject follow the `{ action }` shape of Weft's approval checkpoints. */
function answerOf(answer: Answer): unknown {
	switch (answer.kind) {
		case "approve": {
			if (answer.edit === undefined) return { action: "approve" };
			const edit = parseJsonArg(answer.edit, "--edit");
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

/** `weft approve|reject|resume <thread>`: answers a pending request; the graph validates it before it is stored. */
export async function answer(
	threadId: string,
	given: Answer,
	opts: { id?: string },
	env: CommandEnv,
): Promise<number> {
	const checkpointer = await env.store();
	const tuple = await checkpointer.getTuple({ threadId });
	if (tuple === undefined) throw noThread(threadId);
	const waiting = pendingInterrupts(tuple);
	if (waiting.length === 0)
		throw new UsageError(
			`thread "${threadId}" is not waiting for an answer`,
			"see `weft pending`",
		);
	const target =
		opts.id === undefined ? undefined : waiting.find((i) => i.id === opts.id);
	if (opts.id !== undefined && target === undefined)
		throw new UsageError(
			`no pending interrupt "${opts.id}" in thread "${threadId}"`,
			"see `weft pending`",
		);
	if (opts.id === undefined && waiting.length > 1) {
		throw new UsageError(
			`thread "${threadId}" has ${waiting.length} pending requests`,
			`pick one with --id (${waiting.map((w) => w.id).join(", ")})`,
		);
	}
	const request = target ?? waiting[0]!;
	env.out.line(
		`${label.bold("request")} from "${request.node}": ${JSON.stringify(request.value, null, 2)}`,
	);
	const value = answerOf(given);
	const { graph, ref } = await graphOfThread(checkpointer, threadId, env.graph);
	const result = await streamWithProgress(
		graph,
		new Command({ resume: { [request.id]: value } }),
		{ threadId, metadata: { graph: ref } },
		env,
		`resuming thread ${threadId}`,
	);
	reportRun(env, threadId, result);
	return exitCodeOf(result);
}
