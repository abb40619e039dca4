import type { CompiledGraph, RunResult, StreamConfig } from "@weft/graph";
import { EXIT } from "../cli-error.ts";
import type { CommandEnv } from "../env.ts";
import { loadGraph } from "../load-graph.ts";
import { parseJsonArg } from "../parse-value.ts";
import { label } from "../render/output.ts";
import { Progress } from "../render/progress.ts";

/** Streams a run of `graph` with the progress display (none with --json) and returns its result. */
export async function streamWithProgress(
	graph: CompiledGraph<any, any>,
	input: unknown,
	config: StreamConfig,
	env: CommandEnv,
	title: string,
): Promise<RunResult> {
	const progress = env.out.json ? undefined : new Progress();
	progress?.start(title);
	try {
		let end: RunResult | undefined;
		for await (const e of graph.stream(input as never, {
			...config,
			signal: env.signal,
			mode: "debug",
		})) {
			progress?.event(e);
			if (e.type === "end") end = e.result;
		}
		return end!;
	} finally {
		progress?.stop();
	}
}

/** Prints how a run ended, and what to do next when it waits for an answer. */
export function reportRun(
	env: CommandEnv,
	threadId: string,
	result: RunResult,
): void {
	env.out.result({ threadId, ...result }, () => {
		const lines = [
			`${label.bold(result.status === "done" ? "done" : result.status)} · thread ${threadId} · ${result.steps} steps · checkpoint ${result.checkpointId ?? "-"}`,
		];
		if (result.usage.totalTokens > 0) {
			const cost =
				result.usage.costUsd === undefined
					? ""
					: ` · $${result.usage.costUsd.toFixed(4)}`;
			lines.push(
				`tokens ${result.usage.inputTokens} in / ${result.usage.outputTokens} out${cost}`,
			);
		}
		for (const i of result.interrupts) {
			lines.push(
				`${label.status("interrupted")} at "${i.node}" (id ${i.id}):`,
				`  ${JSON.stringify(i.value)}`,
			);
		}
		if (result.interrupts.length > 0) {
			lines.push(
				`answer with: weft approve ${threadId} | weft reject ${threadId} --reason "…" | weft resume ${threadId} --value '…'`,
			);
		}
		return lines.join("\n");
	});
}

/** `weft run <module>`: runs a graph on the store, recording the module so later commands find it. */
export async function run(
	module: string,
	opts: { input?: string; thread?: string },
	env: CommandEnv,
): Promise<number> {
	const checkpointer = await env.store();
	const { graph, ref } = await loadGraph(module, checkpointer);
	const threadId =
		opts.thread ??
		`run-${new Date()
			.toISOString()
			.replace(/[-:.TZ]/g, "")
			.slice(0, 14)}`;
	const input =
		opts.input === undefined ? {} : parseJsonArg(opts.input, "--input");
	const existing = await checkpointer.getTuple({ threadId });
	const startInput = input === null && existing !== undefined ? null : input;
	const result = await streamWithProgress(
		graph,
		startInput,
		{ threadId, metadata: { graph: ref } },
		env,
		`running ${ref} on thread ${threadId}`,
	);
	reportRun(env, threadId, result);
	return exitCodeOf(result);
}

/** 130 for a run cancelled by Ctrl-C, else 0 (a paused run is not an error). */
export function exitCodeOf(result: RunResult): number {
	return result.status === "cancelled" ? EXIT.cancelled : EXIT.ok;
}
