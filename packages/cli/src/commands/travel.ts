import { UsageError } from "../cli-error.ts";
import type { CommandEnv } from "../env.ts";
import { graphOfThread } from "../load-graph.ts";
import { parseAssignments, parseJsonArg } from "../parse-value.ts";
import { shortId } from "../render/output.ts";
import { resolveCheckpoint } from "../resolve-checkpoint.ts";
import { exitCodeOf, reportRun, streamWithProgress } from "./run.ts";

/** `weft fork <thread> --at <cp> --set k=v | --patch @file [--as-node n]`: a new branch from a past checkpoint. */
export async function fork(
	threadId: string,
	opts: { at?: string; set?: string[]; patch?: string; asNode?: string },
	env: CommandEnv,
): Promise<number> {
	if (opts.at === undefined)
		throw new UsageError(
			"fork needs --at <checkpoint|step>",
			`see \`weft history ${threadId}\``,
		);
	if ((opts.set ?? []).length === 0 && opts.patch === undefined)
		throw new UsageError("fork needs --set key=value or --patch @file.json");
	const checkpointer = await env.store();
	const { graph } = await graphOfThread(checkpointer, threadId, env.graph);
	const at = await resolveCheckpoint(checkpointer, threadId, opts.at);
	const values = {
		...(opts.patch === undefined
			? {}
			: (parseJsonArg(opts.patch, "--patch") as object)),
		...parseAssignments(opts.set ?? []),
	};
	const fork = await graph.updateState(
		{ threadId, checkpointId: at.checkpointId },
		values as never,
		{ asNode: opts.asNode },
	);
	env.out.result(fork, () =>
		[
			`forked step ${at.step} (${shortId(at.checkpointId)}) → new checkpoint ${fork.checkpointId}`,
			`run it on: weft replay ${threadId} --from ${shortId(fork.checkpointId)}`,
		].join("\n"),
	);
	return 0;
}

/** `weft replay <thread> --from <cp>`: runs on from a checkpoint as a new branch. */
export async function replay(
	threadId: string,
	opts: { from?: string },
	env: CommandEnv,
): Promise<number> {
	if (opts.from === undefined)
		throw new UsageError(
			"replay needs --from <checkpoint|step>",
			`see \`weft history ${threadId}\``,
		);
	const checkpointer = await env.store();
	const { graph, ref } = await graphOfThread(checkpointer, threadId, env.graph);
	const from = await resolveCheckpoint(checkpointer, threadId, opts.from);
	const result = await streamWithProgress(
		graph,
		null,
		{ threadId, checkpointId: from.checkpointId, metadata: { graph: ref } },
		env,
		`replaying thread ${threadId} from step ${from.step}`,
	);
	reportRun(env, threadId, result);
	return exitCodeOf(result);
}
