import { readFileSync, realpathSync } from "node:fs";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";
import { busyHolder, isWeftError } from "@weft/checkpoint";
import { Command as Program } from "commander";
import pc from "picocolors";
import { tasksAbandoned } from "./cancel.ts";
import { EXIT, UsageError } from "./cli-error.ts";
import { cliHint, pasteable } from "./cli-hints.ts";
import { type Act, withExamples } from "./command-kit.ts";
import {
	approveCommand,
	rejectCommand,
	resumeCommand,
} from "./commands/answer.ts";
import { completionCommand } from "./commands/completion.ts";
import { continueCommand } from "./commands/continue.ts";
import { registerDev } from "./commands/dev.ts";
import { diffCommand } from "./commands/diff.ts";
import { registerEval } from "./commands/eval.ts";
import { registerFeedback } from "./commands/feedback.ts";
import { forkCommand } from "./commands/fork.ts";
import { graphCommand } from "./commands/graph.ts";
import { historyCommand } from "./commands/history.ts";
import { initCommand } from "./commands/init.ts";
import { logsCommand } from "./commands/logs.ts";
import { registerMcp } from "./commands/mcp.ts";
import { pendingCommand } from "./commands/pending.ts";
import { recoverCommand } from "./commands/recover.ts";
import { replayCommand } from "./commands/replay.ts";
import { runCommand } from "./commands/run.ts";
import {
	registerServeWorker,
	serveWorkerExamples,
} from "./commands/serve-worker.ts";
import { showCommand } from "./commands/show.ts";
import { statsCommand } from "./commands/stats-command.ts";
import { registerStudio } from "./commands/studio.ts";
import { threadsCommand } from "./commands/threads.ts";
import { usageCommand } from "./commands/usage.ts";
import { watchCommand } from "./commands/watch.ts";
import { createEnv } from "./env.ts";
import { enterTypedFolder, WEFT } from "./invocation.ts";
import { asciiOutputUnlessUtf8 } from "./render/charset.ts";
import { createOutput, stderrLine } from "./render/output.ts";
import { keepStdoutForData, writeData } from "./stdout-data.ts";
import { refuseTwoStores, storeFlags } from "./store.ts";
import { captureMistakes, type ParseMistake, wantsJson } from "./usage-json.ts";

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
			"Run Weft graphs, watch and inspect their threads, time-travel, answer human checkpoints.",
		)
		.option("--db <file>", "SQLite file to use", "weft.db")
		.option("--postgres <url>", "use a Postgres database instead of SQLite")
		.option(
			"--graph <module>",
			"graph module (path[#export]) for threads that do not record one, or whose module moved; dev, mcp, serve and worker: name=module#export (repeatable); stats: a graph name",
		)
		.option("--json", "print results as JSON, for scripts")
		.option("--debug", "print stack traces on errors")
		.version(cliVersion(), "--version", "print the version of weft")
		.showHelpAfterError()
		.exitOverride()
		.addHelpText(
			"after",
			"\nExit codes: 0 ok (done or paused for an answer), 1 run failed or error, 2 bad input, 130 interrupted.\nDocs: docs/cli.md",
		);
	// every Postgres connection of the process says which command holds it (pg_stat_activity's
	// application_name); a name given by PGAPPNAME or in the URL wins
	program.hook("preAction", (_program, command) => {
		process.env.PGAPPNAME ??= `weft ${command.name()}`;
	});
	const act: Act =
		(fn) =>
		async (...args) => {
			const options = program.opts<GlobalOptions>();
			const env = createEnv(
				createOutput(options.json === true),
				options,
				(args.at(-1) as Program | undefined)?.name(),
			);
			try {
				refuseTwoStores(program, options);
				exit(await fn(env, ...args));
			} catch (error) {
				exit(
					report(
						error,
						options,
						threadOf(args),
						env.madeThread,
						env.storeFlags,
					),
				);
			} finally {
				await env.close().catch(() => {});
			}
		};
	// one line per command
	program.addCommand(runCommand(act));
	program.addCommand(watchCommand(act));
	program.addCommand(threadsCommand(act));
	program.addCommand(historyCommand(act));
	program.addCommand(showCommand(act));
	program.addCommand(diffCommand(act));
	program.addCommand(logsCommand(act));
	program.addCommand(usageCommand(act));
	program.addCommand(statsCommand(act));
	program.addCommand(pendingCommand(act));
	program.addCommand(approveCommand(act));
	program.addCommand(rejectCommand(act));
	program.addCommand(resumeCommand(act));
	program.addCommand(forkCommand(act));
	program.addCommand(continueCommand(act));
	program.addCommand(replayCommand(act));
	program.addCommand(recoverCommand(act));
	program.addCommand(graphCommand(act));
	program.addCommand(initCommand(act));
	program.addCommand(completionCommand(act, () => program));
	registerEval(program, act);
	registerFeedback(program, act);
	registerMcp(program, exit, (error) =>
		report(error, program.opts<GlobalOptions>()),
	);
	registerDev(program, exit, (e) => report(e, program.opts<GlobalOptions>()));
	registerServeWorker(program, exit, (e) =>
		report(e, program.opts<GlobalOptions>()),
	);
	registerStudio(program, exit, (e) =>
		report(e, program.opts<GlobalOptions>()),
	);
	// dev, mcp, serve and worker read their repeated --graph from the raw arguments (the program's --graph takes one
	// module): their help says how they take it, and dev's names the store options it uses
	const graphHelp =
		"  --graph <name=module#export>  a graph to serve, as name (repeatable)";
	const mcp = program.commands.find((c) => c.name() === "mcp")!;
	const storeHelp = (what: string) =>
		`  --db <file>                   SQLite file for ${what} (default: "weft.db")\n  --postgres <url>              a Postgres database instead`;
	mcp.addHelpText(
		"after",
		`\nGraphs and store (before or after \`mcp\`):\n${graphHelp}\n${storeHelp("the threads its tools run")}`,
	);
	withExamples(mcp, ["weft mcp --graph office=src/agent.ts#agent"]);
	const dev = program.commands.find((c) => c.name() === "dev")!;
	dev.addHelpText(
		"after",
		`\nGraphs and store (before or after \`dev\`):\n${graphHelp}\n${storeHelp("threads, runs and memory")}`,
	);
	withExamples(dev, [
		"weft dev --graph refund=./src/graph.ts#refund --db weft.db",
		"weft dev --config weft.json --port 2024",
	]);
	// serve and worker take --graph as dev does (their store is --postgres, one of their own options)
	// (then their examples, as dev's follow its section)
	for (const name of ["serve", "worker"] as const)
		withExamples(
			program.commands
				.find((c) => c.name() === name)!
				.addHelpText(
					"after",
					`\nGraphs (before or after \`${name}\`):\n${graphHelp}`,
				),
			serveWorkerExamples[name],
		);
	for (const c of program.commands) c.exitOverride().showHelpAfterError();
	return program;
}

/** @weft/cli's version, from its package.json (next to src/ and dist/ alike). */
function cliVersion(): string {
	const file = new URL("../package.json", import.meta.url);
	return (JSON.parse(readFileSync(file, "utf8")) as { version: string })
		.version;
}

/**
 * The thread a command line names, for hints: a `<thread>` argument, or `--thread`. Commander passes
 * an action its arguments, then its options, then the command.
 */
function threadOf(args: unknown[]): string | undefined {
	const command = args.at(-1) as Program | undefined;
	const options = args.at(-2) as { thread?: unknown } | undefined;
	if (command?.registeredArguments?.[0]?.name() === "thread")
		return typeof args[0] === "string" ? args[0] : undefined;
	return typeof options?.thread === "string" ? options.thread : undefined;
}

/**
 * Prints an error as code, message and hint (a stack only with --debug); returns the exit code. `named` is
 * the thread the command line named, `made` the one the command made (`weft run` without --thread).
 */
function report(
	error: unknown,
	options: GlobalOptions,
	named?: string,
	made?: string,
	/** What printed commands repeat (`pasteFlags`): the store's options, and --graph when given. */
	flags = storeFlags(options),
): number {
	// the thread the command line named, or the one the command made (a --json error then names it)
	const thread = named ?? made;
	const json = options.json === true;
	if (error instanceof UsageError) {
		const hint =
			error.hint === undefined ? undefined : pasteable(error.hint, flags);
		write(
			json,
			{ error: { code: "USAGE", message: error.message, hint } },
			`${pc.red("error USAGE")} ${error.message}${hint ? `\n${pc.dim(`hint: ${hint}`)}` : ""}`,
		);
		if (options.debug === true) writeStacks(error);
		return EXIT.usage;
	}
	if (isWeftError(error)) {
		const issues = (error as { issues?: unknown[] }).issues;
		const given =
			cliHint(error.code, thread, flags, error.hint, busyHolder(error)) ??
			error.hint;
		const hint = given === undefined ? undefined : pasteable(given, flags);
		write(
			json,
			{
				error: {
					...error.toJSON(),
					...(hint === undefined ? {} : { hint }),
					...(issues === undefined || issues.length === 0 ? {} : { issues }),
				},
				...(made === undefined ? {} : { threadId: made }),
			},
			`${pc.red(`error ${error.code}`)} ${error.message}${hint ? `\n${pc.dim(`hint: ${hint}`)}` : ""}`,
		);
	} else {
		// not a WeftError: a bug, or a failure of the system under Weft (docs/errors.md, "UNEXPECTED")
		const message = error instanceof Error ? error.message : String(error);
		const hint =
			"run again with --debug for the stack trace; if it is not your system (disk, permissions, memory), report it with the command";
		write(
			json,
			{ error: { code: "UNEXPECTED", message, hint } },
			`${pc.red("error UNEXPECTED")} ${message}\n${pc.dim(`hint: ${hint}`)}`,
		);
	}
	if (options.debug === true) writeStacks(error);
	// an id no thread or checkpoint can have is bad input on the command line, as an unknown one is
	return isWeftError(error, "INVALID_ID") ? EXIT.usage : EXIT.error;
}

/** `--debug`: the error's stack, then each cause's (a node's own error, an import's), to stderr. */
function writeStacks(error: unknown): void {
	const seen = new Set<unknown>();
	for (let e = error; e instanceof Error && !seen.has(e); e = e.cause) {
		seen.add(e);
		process.stderr.write(`${e === error ? "" : "caused by: "}${e.stack}\n`);
	}
}

function write(json: boolean, data: unknown, text: string): void {
	if (json) writeData(`${JSON.stringify(data, null, 2)}\n`);
	// an error's message names what the user gave or the store holds: shown without its escapes
	else stderrLine(text);
}

/**
 * `weft run … | head -2`: the reader goes away and the next write fails with EPIPE, which Node throws
 * as an unhandled error, killing a run halfway (its thread left running, then stale). Output nobody
 * reads is dropped instead: the run goes on to its end or pause and gives its lease up.
 */
function keepRunningWhenPipesClose(): void {
	for (const stream of [process.stdout, process.stderr])
		stream.on("error", (error: NodeJS.ErrnoException) => {
			if (error.code !== "EPIPE") throw error;
		});
}

/** Runs the CLI on `argv` (without node and script) and resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
	let code = 0;
	const program = createProgram((c) => {
		code = c;
	});
	let mistake: ParseMistake | undefined;
	// commander's complaints (unknown command or option, a missing argument) print as every usage error
	// does: `error USAGE …` and a hint (JSON on stdout with --json), not its help text
	captureMistakes(program, (m) => {
		if (m.help === undefined || mistake === undefined) mistake = m;
	});
	try {
		await program.parseAsync(argv, { from: "user" });
	} catch (error) {
		const e = error as { exitCode?: number; code?: string };
		if (e.code === "commander.helpDisplayed" || e.code === "commander.version")
			return 0;
		if (e.code === "commander.help") {
			// no command named (`weft`, `weft eval`): its help, then the usage error every mistake prints (with
			// --json, only the error, on stdout, as every usage error)
			const json = wantsJson(argv);
			if (!json && mistake?.help !== undefined)
				process.stderr.write(mistake.help);
			const named = mistake?.command ?? "weft";
			const invoked = named.replace(/^weft\b/, WEFT);
			const hint = json
				? `\`${invoked} --help\` lists its commands; \`${invoked} <command> --help\` shows one's options and examples`
				: `pick one of the commands above (\`${invoked} <command> --help\` shows its options and examples)`;
			write(
				json,
				{ error: { code: "USAGE", message: `${named} needs a command`, hint } },
				`\n${pc.red("error USAGE")} ${named} needs a command\n${pc.dim(`hint: ${hint}`)}`,
			);
			return EXIT.usage;
		}
		if (mistake !== undefined) {
			// the invocation in use (`pnpm weft` in a checkout): the help reads no store
			const hint = `see \`${mistake.command.replace(/^weft\b/, WEFT)} --help\``;
			write(
				wantsJson(argv),
				{ error: { code: "USAGE", message: mistake.message, hint } },
				`${pc.red("error USAGE")} ${mistake.message}\n${pc.dim(`hint: ${hint}`)}`,
			);
		}
		return e.exitCode === 0 ? 0 : EXIT.usage;
	}
	return code;
}

/**
 * The script this process was started with, as a real path: this module, or the published bin that
 * imports it, also when reached through npm's link (node_modules/.bin/weft, a global prefix's bin/weft).
 */
const started =
	process.argv[1] === undefined ? undefined : realpathSync(process.argv[1]);
if (
	started === fileURLToPath(import.meta.url) ||
	started?.endsWith(`${sep}bin${sep}weft.mjs`)
) {
	keepRunningWhenPipesClose();
	// JSON for scripts and the MCP protocol on stdout are data: never rewritten
	asciiOutputUnlessUtf8(
		wantsJson(process.argv.slice(2)) || process.argv.includes("mcp"),
	);
	// --json output is for scripts: what graphs print goes to stderr (`weft mcp` keeps stdout for its messages)
	if (wantsJson(process.argv.slice(2)) && !process.argv.includes("mcp"))
		keepStdoutForData();
	enterTypedFolder();
	const code = await main(process.argv.slice(2));
	process.exitCode = code;
	// a cancelled run's node that ignored its signal would keep the process alive: its lease is given
	// up by now (see cancel.ts), so nothing is lost by leaving
	if (code === EXIT.cancelled || tasksAbandoned()) process.exit(code);
}
