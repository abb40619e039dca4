import { END, isWeftError, START, type ValidationError } from "@weft/graph";
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
import { messageInputs } from "../render/messages.ts";
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
	const thread = shellWord(threadId);
	if (opts.at === undefined)
		throw new UsageError(
			"fork needs --at <checkpoint|step>",
			`see \`weft history ${thread}\` for the steps to fork at`,
		);
	const sets = opts.set ?? [];
	// cli.md's synopsis: `--set k=v … | --patch json`, one or the other (given both, one was dropped)
	if (sets.length > 0 && opts.patch !== undefined)
		throw new UsageError(
			"fork takes --set key=value or --patch json, not both",
			"give every value in one of them: several --set, or one --patch object",
		);
	const checkpointer = await env.store();
	const { graph, ref } = await graphOfThread(
		checkpointer,
		threadId,
		env.graph,
		env.base,
	);
	if (opts.asNode !== undefined) checkAsNode(opts.asNode, graph, ref);
	const at = await resolveCheckpoint(checkpointer, threadId, opts.at);
	const example = async (form: "set" | "patch") =>
		exampleChange(
			(await graph.getState({ threadId, checkpointId: at.checkpointId }))
				.values,
			form,
		);
	if (sets.length === 0 && opts.patch === undefined)
		throw new UsageError(
			"fork needs --set key=value or --patch json",
			`e.g. \`weft fork ${thread} --at ${shellWord(opts.at)} ${await example("set")}\``,
		);
	const patch =
		opts.patch === undefined ? {} : parseJsonArg(opts.patch, "--patch");
	if (typeof patch !== "object" || patch === null || Array.isArray(patch))
		throw new UsageError(
			"--patch must be a JSON object of state keys",
			`e.g. \`weft fork ${thread} --at ${shellWord(opts.at)} ${await example("patch")}\``,
		);
	const values = messageInputs({ ...patch, ...parseAssignments(sets) });
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
	const weft = `${WEFT}${env.storeFlags}`;
	const head = shortId(made.checkpointId);
	env.out.result(
		{ ...made, next: state.next, forkedFrom: at.checkpointId },
		() =>
			[
				`forked step ${at.step} (${shortId(at.checkpointId)}) → new branch at ${head} · next: ${state.next.join(", ") || "(end)"}`,
				// nothing due: `continue` would refuse it (nothing to continue)
				state.next.length === 0 && state.interrupts.length === 0
					? `the branch is finished (nothing due): see its state with ${weft} show ${thread} --at ${head}`
					: `run it on: ${weft} continue ${thread} --from ${head}`,
			].join("\n"),
	);
	return 0;
}

/**
 * `--as-node` names a node of the thread's graph (or `__start__`: the values as the graph's input), checked
 * before anything is read or written: a typo is a mistake in the command line (exit 2), said with the
 * graph's nodes, not the API's UNKNOWN_NODE.
 */
function checkAsNode(
	asNode: string,
	graph: { describe(): { nodes: { id: string; parent: string | null }[] } },
	ref: string,
): void {
	const nodes = graph
		.describe()
		.nodes.filter((n) => n.parent === null)
		.map((n) => n.id);
	if (nodes.includes(asNode) && asNode !== END) return;
	const own = nodes.filter((n) => n !== START && n !== END);
	throw new UsageError(
		`--as-node "${asNode}" is not a node of the thread's graph (${ref})`,
		`name one of its nodes: ${own.join(", ")} (or ${START}: the values as the graph's input), or leave --as-node out`,
	);
}

/**
 * A change to paste for the state at hand, on one of its own keys (`--set topic='a new topic'`, or as
 * `--patch`): a text key gets a new text, a number or a flag another value, a list of messages a user
 * message; any other key its current value again.
 */
function exampleChange(values: unknown, form: "set" | "patch"): string {
	const entries = Object.entries(
		typeof values === "object" && values !== null ? values : {},
	);
	const pick =
		entries.find(([, v]) => typeof v === "string") ??
		entries.find(([, v]) => typeof v === "number" || typeof v === "boolean") ??
		entries.find(([k]) => k === "messages") ??
		entries[0];
	if (pick === undefined)
		return form === "set"
			? "--set <key>=<value>"
			: `--patch '{"<key>":<value>}'`;
	const [key, current] = pick;
	const value =
		key === "messages"
			? { role: "user", content: "a new message" }
			: typeof current === "string"
				? `a new ${key}`
				: typeof current === "number"
					? current + 1
					: typeof current === "boolean"
						? !current
						: current;
	if (form === "patch")
		return `--patch ${shellWord(JSON.stringify({ [key]: value ?? null }))}`;
	const text =
		typeof value === "string" ? value : JSON.stringify(value ?? null);
	return `--set ${shellWord(`${key}=${text}`)}`;
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
