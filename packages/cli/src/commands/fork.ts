import { Command } from "commander";
import { UsageError } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { graphOfThread } from "../load-graph.ts";
import { parseAssignments, parseJsonArg } from "../parse-value.ts";
import { shortId } from "../render/output.ts";
import { resolveCheckpoint } from "../resolve-checkpoint.ts";

interface ForkOptions {
	at?: string;
	set?: string[];
	patch?: string;
	asNode?: string;
}

/** `weft fork <thread> --at <cp> --set k=v | --patch @file [--as-node n]`: a new branch from a past checkpoint. */
export async function fork(
	threadId: string,
	opts: ForkOptions,
	env: CommandEnv,
): Promise<number> {
	if (opts.at === undefined)
		throw new UsageError(
			"fork needs --at <checkpoint|step>",
			`see \`weft history ${threadId}\``,
		);
	if ((opts.set ?? []).length === 0 && opts.patch === undefined)
		throw new UsageError(
			"fork needs --set key=value or --patch @file.json",
			`e.g. weft fork ${threadId} --at ${opts.at} --set draft="a new draft"`,
		);
	const patch =
		opts.patch === undefined ? {} : parseJsonArg(opts.patch, "--patch");
	if (typeof patch !== "object" || patch === null || Array.isArray(patch))
		throw new UsageError("--patch must be a JSON object of state keys");
	const values = { ...patch, ...parseAssignments(opts.set ?? []) };
	const checkpointer = await env.store();
	const { graph } = await graphOfThread(
		checkpointer,
		threadId,
		env.graph,
		env.base,
	);
	const at = await resolveCheckpoint(checkpointer, threadId, opts.at);
	const made = await graph.updateState(
		{ threadId, checkpointId: at.checkpointId },
		values as never,
		{ asNode: opts.asNode },
	);
	const state = await graph.getState({
		threadId,
		checkpointId: made.checkpointId,
	});
	env.out.result(
		{ ...made, next: state.next, forkedFrom: at.checkpointId },
		() =>
			[
				`forked step ${at.step} (${shortId(at.checkpointId)}) → new branch at ${shortId(made.checkpointId)} · next: ${state.next.join(", ") || "(end)"}`,
				`run it on: weft continue ${threadId} --from ${shortId(made.checkpointId)}`,
			].join("\n"),
	);
	return 0;
}

export const forkCommand = (act: Act) =>
	withExamples(
		new Command("fork")
			.argument("<thread>", "thread id")
			.description(
				"make a new branch from a past checkpoint with changed values",
			)
			.option("--at <checkpoint|step>", "where to fork (id, short id or step)")
			.option("--set <key=value...>", "values to change (JSON or text)")
			.option("--patch <json|@file>", "an object of values to change")
			.option(
				"--as-node <node>",
				"apply the values as if this node wrote them (routing follows its edges)",
			)
			.action(
				act((env, thread: string, o: ForkOptions) => fork(thread, o, env)),
			),
		[
			`weft fork mail --at 1 --set draft="Dear team, we ship Monday."`,
			"weft fork office-1 --at 2 --patch @change.json --as-node agent",
		],
	);
