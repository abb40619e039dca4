import { threadUsage, type UsageTotals } from "@weft/graph";
import { Command } from "commander";
import { noThread } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { costCell, label } from "../render/output.ts";
import { table } from "../render/table.ts";

/** `weft usage <thread>`: tokens, calls and cost over all the thread's runs, by model and by node. */
export async function usage(
	threadId: string,
	env: CommandEnv,
): Promise<number> {
	const checkpointer = await env.store("read");
	let any = false;
	for await (const _ of checkpointer.list({ threadId }, { limit: 1 }))
		any = true;
	if (!any) throw noThread(threadId);
	const total = await threadUsage(checkpointer, threadId);
	const row = (name: string, t: UsageTotals) => [
		name,
		t.calls,
		t.inputTokens,
		t.outputTokens,
		t.cachedTokens,
		costCell(t.costUsd, t.unpricedCalls),
	];
	env.out.result(total, () =>
		total.calls === 0
			? `thread ${threadId} made no model calls`
			: table(
					["", "calls", "input", "output", "cached", "cost"],
					[
						row(label.bold("total"), total),
						...Object.entries(total.byModel).map(([m, t]) =>
							row(`model ${m}`, t),
						),
						...Object.entries(total.byNode).map(([n, t]) =>
							row(`node ${n}`, t),
						),
					],
				),
	);
	return 0;
}

export const usageCommand = (act: Act) =>
	withExamples(
		new Command("usage")
			.argument("<thread>", "thread id")
			.description(
				"model calls, tokens and cost over all of a thread's runs, by model and node",
			)
			.action(act((env, thread: string) => usage(thread, env))),
		["weft usage office-1", "weft usage office-1 --json"],
	);
