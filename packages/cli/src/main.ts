import { isWeftError } from "@weft/checkpoint";
import { Command as Program } from "commander";
import pc from "picocolors";
import { EXIT, UsageError } from "./cli-error.ts";
import { answer, pending } from "./commands/approvals.ts";
import { registerDev } from "./commands/dev.ts";
import { diff, history, show, threads, usage } from "./commands/inspect.ts";
import { registerMcp } from "./commands/mcp.ts";
import { run } from "./commands/run.ts";
import { stats } from "./commands/stats.ts";
import { fork, replay } from "./commands/travel.ts";
import { type CommandEnv, createEnv } from "./env.ts";
import { createOutput } from "./render/output.ts";

interface GlobalOptions {
	db?: string;
	postgres?: string;
	graph?: string;
	json?: boolean;
	debug?: boolean;
}

/** Builds the `weft` program; `exit` receives the exit code. */
export function createProgram(exit: (code: number) => void): Program {
	const program = new Program("weft")
		.description(
			"Run Weft graphs, inspect and time-travel their threads, answer human checkpoints.",
		)
		.option("--db <file>", "SQLite file to use", "weft.db")
		.option("--postgres <url>", "use a Postgres database instead of SQLite")
		.option(
			"--graph <module>",
			"graph module (path[#export]) for threads that do not record one",
		)
		.option("--json", "print results as JSON, for scripts")
		.option("--debug", "print stack traces on errors")
		.showHelpAfterError()
		.exitOverride();
	const act =
		<TArgs extends unknown[]>(
			fn: (env: CommandEnv, ...args: TArgs) => Promise<number>,
		) =>
		async (...args: TArgs) => {
			const options = program.opts<GlobalOptions>();
			const env = createEnv(createOutput(options.json === true), options);
			try {
				exit(await fn(env, ...args));
			} catch (error) {
				exit(report(error, options));
			} finally {
				await env.close().catch(() => {});
			}
		};
	program
		.command("run <module>")
		.description(
			"run a module's compiled graph on the store, with live progress",
		)
		.option("--input <json|@file>", "run input (default {})")
		.option("--thread <id>", "thread id (default: a new one)")
		.action(
			act((env, module: string, o: { input?: string; thread?: string }) =>
				run(module, o, env),
			),
		);
	program
		.command("threads")
		.description("list threads: status, steps, last update")
		.option("--status <status>", "only threads with this status")
		.option("--limit <n>", "at most n threads")
		.action(
			act((env, o: { status?: string; limit?: string }) => threads(o, env)),
		);
	program
		.command("history <thread>")
		.description(
			"a thread's checkpoints, newest first: step, nodes, source, what changed, time",
		)
		.option("--limit <n>", "at most n checkpoints")
		.action(
			act((env, thread: string, o: { limit?: string }) =>
				history(thread, o, env),
			),
		);
	program
		.command("usage <thread>")
		.description(
			"model calls, tokens and cost over all of a thread's runs, by model and node",
		)
		.action(act((env, thread: string) => usage(thread, env)));
	program
		.command("stats")
		.description(
			"p50/p95/p99 latency per node and model, error rates, tokens and cost (--graph name filters)",
		)
		.option(
			"--since <duration|date>",
			"only what ran since then: 30m, 1h, 7d or a date",
		)
		.action(act((env, o: { since?: string }) => stats(o, env)));
	program
		.command("show <thread>")
		.description("the state of a thread at a checkpoint (default: the newest)")
		.option("--at <checkpoint|step>", "checkpoint id, short id or step")
		.action(
			act((env, thread: string, o: { at?: string }) => show(thread, o, env)),
		);
	program
		.command("diff <thread> <a> <b>")
		.description(
			"what changed between two checkpoints (ids, short ids or steps)",
		)
		.action(
			act((env, thread: string, a: string, b: string) =>
				diff(thread, a, b, env),
			),
		);
	program
		.command("fork <thread>")
		.description("make a new branch from a past checkpoint with changed values")
		.option("--at <checkpoint|step>", "where to fork")
		.option("--set <key=value...>", "values to change (JSON or text)")
		.option("--patch <json|@file>", "an object of values to change")
		.option(
			"--as-node <node>",
			"apply the values as if this node wrote them (routing follows its edges)",
		)
		.action(
			act(
				(
					env,
					thread: string,
					o: { at?: string; set?: string[]; patch?: string; asNode?: string },
				) => fork(thread, o, env),
			),
		);
	program
		.command("replay <thread>")
		.description("run on from a checkpoint as a new branch")
		.option("--from <checkpoint|step>", "where to start")
		.action(
			act((env, thread: string, o: { from?: string }) =>
				replay(thread, o, env),
			),
		);
	program
		.command("pending")
		.description("requests waiting for a human answer")
		.option("--thread <id>", "only this thread")
		.action(act((env, o: { thread?: string }) => pending(o, env)));
	program
		.command("approve <thread>")
		.description("approve the pending request (optionally with edits)")
		.option(
			"--edit <json>",
			"approve with these changes (sends { action: 'edit', ...json })",
		)
		.option("--id <interrupt>", "which request, when several are pending")
		.action(
			act((env, thread: string, o: { edit?: string; id?: string }) =>
				answer(
					thread,
					{
						kind: "approve",
						...(o.edit === undefined ? {} : { edit: o.edit }),
					},
					o,
					env,
				),
			),
		);
	program
		.command("reject <thread>")
		.description("reject the pending request with a reason")
		.requiredOption("--reason <text>", "why: given to the graph as feedback")
		.option("--id <interrupt>", "which request, when several are pending")
		.action(
			act((env, thread: string, o: { reason: string; id?: string }) =>
				answer(thread, { kind: "reject", reason: o.reason }, o, env),
			),
		);
	program
		.command("resume <thread>")
		.description("answer the pending request with any JSON value")
		.requiredOption("--value <json|@file>", "the answer")
		.option("--id <interrupt>", "which request, when several are pending")
		.action(
			act((env, thread: string, o: { value: string; id?: string }) =>
				answer(thread, { kind: "value", value: o.value }, o, env),
			),
		);
	registerMcp(program, exit, (error) =>
		report(error, program.opts<GlobalOptions>()),
	);
	registerDev(program, exit, (e) => report(e, program.opts<GlobalOptions>()));
	return program;
}

/** Prints an error as code, message and hint (a stack only with --debug); returns the exit code. */
function report(error: unknown, options: GlobalOptions): number {
	const json = options.json === true;
	if (error instanceof UsageError) {
		write(
			json,
			{ error: { code: "USAGE", message: error.message, hint: error.hint } },
			`${pc.red("error")} ${error.message}${error.hint ? `\n${pc.dim(`hint: ${error.hint}`)}` : ""}`,
		);
		return EXIT.usage;
	}
	if (isWeftError(error)) {
		const issues = (error as { issues?: unknown[] }).issues;
		write(
			json,
			{
				error: {
					...error.toJSON(),
					...(issues === undefined || issues.length === 0 ? {} : { issues }),
				},
			},
			`${pc.red(`error ${error.code}`)} ${error.message}${error.hint ? `\n${pc.dim(`hint: ${error.hint}`)}` : ""}`,
		);
	} else {
		const message = error instanceof Error ? error.message : String(error);
		write(
			json,
			{ error: { code: "UNEXPECTED", message } },
			`${pc.red("error")} ${message}`,
		);
	}
	if (options.debug === true && error instanceof Error)
		process.stderr.write(`${error.stack}\n`);
	return EXIT.error;
}

function write(json: boolean, data: unknown, text: string): void {
	if (json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
	else process.stderr.write(`${text}\n`);
}

/** Runs the CLI on `argv` (without node and script) and resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
	let code = 0;
	const program = createProgram((c) => {
		code = c;
	});
	try {
		await program.parseAsync(argv, { from: "user" });
	} catch (error) {
		const e = error as { exitCode?: number; code?: string };
		if (e.code === "commander.helpDisplayed" || e.code === "commander.version")
			return 0;
		return e.exitCode === 0 ? 0 : EXIT.usage;
	}
	return code;
}

if (
	import.meta.url === `file://${process.argv[1]}` ||
	process.argv[1]?.endsWith("/bin/weft.mjs")
) {
	process.exitCode = await main(process.argv.slice(2));
}
