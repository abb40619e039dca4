import { isWeftError, type ValidationError } from "@weft/graph";
import { Command } from "commander";
import { UsageError } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { WEFT } from "../invocation.ts";
import { graphOfThread } from "../load-graph.ts";
import {
	assignmentTexts,
	parseAssignments,
	parseJsonArg,
} from "../parse-value.ts";
import { shortId } from "../render/output.ts";
import { resolveCheckpoint } from "../resolve-checkpoint.ts";
import { shellWord } from "../store.ts";

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
		throw new UsageError(
			"--patch must be a JSON object of state keys",
			`e.g. weft fork ${threadId} --at ${opts.at} --patch '{"draft":"a new draft"}'`,
		);
	const values = { ...patch, ...parseAssignments(opts.set ?? []) };
	const checkpointer = await env.store();
	const { graph } = await graphOfThread(
		checkpointer,
		threadId,
		env.graph,
		env.base,
	);
	const at = await resolveCheckpoint(checkpointer, threadId, opts.at);
	const update = (v: Record<string, unknown>) =>
		graph.updateState({ threadId, checkpointId: at.checkpointId }, v as never, {
			asNode: opts.asNode,
		});
	const made = await update(values).catch((error: unknown) => {
		const retry = asTyped(error, values, assignmentTexts(opts.set ?? []));
		if (retry === undefined) throw error;
		return update(retry).catch(() => {
			throw error;
		});
	});
	const state = await graph.getState({
		threadId,
		checkpointId: made.checkpointId,
	});
	env.out.result(
		{ ...made, next: state.next, forkedFrom: at.checkpointId },
		() =>
			[
				`forked step ${at.step} (${shortId(at.checkpointId)}) → new branch at ${shortId(made.checkpointId)} · next: ${state.next.join(", ") || "(end)"}`,
				`run it on: ${WEFT}${env.storeFlags} continue ${shellWord(threadId)} --from ${shortId(made.checkpointId)}`,
			].join("\n"),
	);
	return 0;
}

/**
 * `--set request=5` parses as the number 5; when the state refuses it where a string is wanted, the
 * values are tried again with the text as typed for the refused `--set` keys (the state schema says
 * what a key holds, the command line cannot). Undefined when there is nothing to try.
 */
function asTyped(
	error: unknown,
	values: Record<string, unknown>,
	texts: Record<string, string>,
): Record<string, unknown> | undefined {
	if (!isWeftError(error, "VALIDATION_FAILED")) return undefined;
	const issues = (error as ValidationError).issues ?? [];
	const refused = new Set(issues.map((i) => String(i.path[0])));
	const retry = { ...values };
	let changed = false;
	for (const [key, text] of Object.entries(texts))
		if (
			typeof values[key] !== "string" &&
			(refused.size === 0 || refused.has(key))
		) {
			retry[key] = text;
			changed = true;
		}
	return changed ? retry : undefined;
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
