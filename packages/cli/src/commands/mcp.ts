import { dirname, resolve } from "node:path";
import { WeftError } from "@weft/graph";
import type { Command as Program } from "commander";
import { settleCancelled } from "../cancel.ts";
import { EXIT, UsageError } from "../cli-error.ts";
import { WEFT } from "../invocation.ts";
import { loadGraph } from "../load-graph.ts";
import { parseDuration } from "../parse-value.ts";
import { keepStdoutForData } from "../stdout-data.ts";
import { onStopSignals } from "../stop-signals.ts";
import {
	openStore,
	type StoreOptions,
	shellWord,
	storeFlags,
} from "../store.ts";
import {
	callGraphTool,
	fitAnswer,
	graphTools,
	resumeArgsProblem,
} from "./mcp-graph-tools.ts";
import { MAX_LINE } from "./mcp-limits.ts";
import { type ServedGraph, threadRecords } from "./mcp-threads.ts";

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A JSON-RPC "invalid params" refusal. Not an `McpError`: the SDK's server sends a thrown error's message
 * as is, and an `McpError`'s already starts with "MCP error -32602:", which the client's adds again.
 */
const invalidParams = (message: string) =>
	Object.assign(new Error(message), { code: -32602 });

/** `name=module#export` → its parts. */
export function parseGraphSpec(spec: string): { name: string; module: string } {
	const eq = spec.indexOf("=");
	const name = spec.slice(0, eq);
	const module = spec.slice(eq + 1);
	if (eq <= 0 || module === "" || !NAME.test(name))
		throw new UsageError(
			`--graph "${spec}" is not name=module#export (a name of letters, digits, _ or -)`,
			"for example: --graph research=./graph.ts#graph",
		);
	// MCP tool names are at most 64 characters: the longest a graph makes is its resume tool's
	if (`${name}${RESUME}`.length > 64)
		throw new UsageError(
			`--graph "${spec}": the graph's resume tool "${name}${RESUME}" would be ${name.length + RESUME.length} characters, and an MCP tool name has at most 64`,
			`give the graph a name of at most ${64 - RESUME.length} characters`,
		);
	return { name, module };
}

/** What a graph's name is followed by in the name of its resume tool. */
const RESUME = "_resume";

/**
 * Which graph each tool belongs to (`name` starts a run, `name_resume` answers a pause). Names that would
 * give two tools one name (`x` and `x_resume`) are refused with `CONFIG_INVALID`: a host could reach
 * only one of them.
 */
export function toolRoutes(
	names: readonly string[],
): Map<string, { graph: string; resume: boolean }> {
	const routes = new Map<string, { graph: string; resume: boolean }>();
	for (const graph of names)
		for (const [tool, resume] of [
			[graph, false],
			[`${graph}_resume`, true],
		] as const) {
			const other = routes.get(tool);
			// the graph whose resume tool it is: another may not be named after that tool
			const base = resume ? graph : other?.graph;
			if (other !== undefined)
				throw new WeftError(
					"CONFIG_INVALID",
					`the graphs "${other.graph}" and "${graph}" both make an MCP tool named "${tool}"`,
					{
						hint: `rename one --graph (each graph x serves the tools x and x_resume, so no graph may be named "${base}_resume" beside "${base}")`,
					},
				);
			routes.set(tool, { graph, resume });
		}
	return routes;
}

/**
 * The `--graph` values given after `mcp`. The program has a global `--graph <module>` that commander
 * consumes (keeping the last), so the repeated flag is read from the raw arguments.
 */
function graphSpecs(program: Program): string[] {
	// rawArgs is commander's copy of the argv it parsed (untyped)
	const raw =
		(program as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv;
	const at = raw.indexOf("mcp");
	const specs: string[] = [];
	for (let i = at + 1; i < raw.length; i++) {
		const a = raw[i]!;
		if (a === "--graph" && raw[i + 1] !== undefined) specs.push(raw[++i]!);
		else if (a.startsWith("--graph=")) specs.push(a.slice("--graph=".length));
	}
	return specs;
}

/**
 * Serves graphs as MCP tools over stdio until the client disconnects. Nothing but MCP goes to stdout.
 * Returns the exit code.
 */
export async function serveMcp(
	specs: string[],
	options: StoreOptions,
	/** After this long without progress, a call that asked for progress is told its run goes on (0: never). */
	heartbeatMs = HEARTBEAT_MS,
): Promise<number> {
	if (specs.length === 0)
		throw new UsageError(
			"weft mcp needs at least one --graph name=module#export",
			"for example: weft mcp --graph research=./graph.ts#graph",
		);
	const parsed = specs.map(parseGraphSpec);
	const names = parsed.map((p) => p.name);
	const dup = names.find((n, i) => names.indexOf(n) !== i);
	if (dup !== undefined)
		throw new UsageError(
			`two graphs are named "${dup}"`,
			"give each --graph its own name",
		);
	const routes = toolRoutes(names);
	// before any graph module loads: what graphs print goes to stderr, stdout carries MCP only
	const output = keepStdoutForData();
	const checkpointer = await openStore(options, {
		access: "create",
		command: "mcp",
	});
	// module refs are recorded with each run relative to the project (the SQLite file's folder), as
	// `weft run` records them: `weft show`, `weft approve` find the module of a thread started here
	const base =
		options.postgres !== undefined || options.db === ":memory:"
			? process.cwd()
			: dirname(resolve(options.db ?? "weft.db"));
	const served: ServedGraph[] = [];
	for (const { name, module } of parsed)
		served.push({
			name,
			...(await loadGraph(resolve(module), checkpointer, base)),
		});
	const graphs = new Map(served.map((g) => [g.name, g.graph] as const));
	const threads = threadRecords(checkpointer, served, base);
	const [{ Server }, { AnsweringStdioTransport }, types] = await Promise.all([
		import("@modelcontextprotocol/sdk/server/index.js"),
		import("./mcp-stdio-transport.ts"),
		import("@modelcontextprotocol/sdk/types.js"),
	]);
	const server = new Server(
		{ name: "weft", version: "0.1.0" },
		{ capabilities: { tools: {} } },
	);
	// A host stops its server by ending stdin and then sending SIGTERM (the SDK's client does, 2 s later),
	// a person by Ctrl-C: the calls still running are cancelled as `weft run`'s are, so their runs end at
	// their last checkpoint with their thread's lease given up (a node that ignores its signal gets
	// SETTLE_MS, then the lease is released here), instead of threads left `running` and leased. A second
	// signal (not a repeat of the first keypress) exits at once.
	const stop = new AbortController();
	const inFlight = new Set<InFlight>();
	const stopListening = onStopSignals(
		(reason) => {
			stop.abort(reason);
			void server.close();
		},
		() => process.exit(EXIT.cancelled),
	);
	const tools = [...graphs].flatMap(([name, graph]) => graphTools(name, graph));
	server.setRequestHandler(types.ListToolsRequestSchema, async () => ({
		tools,
	}));
	server.setRequestHandler(
		types.CallToolRequestSchema,
		async (request, extra) => {
			const tool = request.params.name;
			const route = routes.get(tool);
			const graph = route && graphs.get(route.graph);
			// a name that was never listed is a protocol error (the MCP spec's "unknown tool"), not a tool's
			if (route === undefined || graph === undefined)
				throw invalidParams(
					`unknown tool ${JSON.stringify(tool)}: this server has ${[...routes.keys()].join(", ")}`,
				);
			const args = request.params.arguments ?? {};
			const problem = route.resume ? resumeArgsProblem(args) : undefined;
			if (problem !== undefined)
				throw invalidParams(`${tool}: ${problem}; nothing ran`);
			const call: InFlight = { threadId: undefined, done: Promise.resolve() };
			const signal = AbortSignal.any([extra.signal, stop.signal]);
			// a host that asked for progress (a token in the request's _meta) is told the thread, each saved
			// step, and that the run goes on after `heartbeatMs` without either: with resetTimeoutOnProgress
			// its wait starts again, so a long run (or one long step) is not cut off
			const token = request.params._meta?.progressToken;
			const progress =
				token === undefined
					? undefined
					: progressSender(
							(n, message) =>
								void extra
									.sendNotification({
										method: "notifications/progress",
										params: { progressToken: token, progress: n, message },
									})
									.catch(() => {}),
							() => call.threadId,
							heartbeatMs,
						);
			const answer = callGraphTool(route.graph, graph, tool, args, {
				signal,
				onThread: (threadId) => {
					call.threadId = threadId;
				},
				progress: progress?.send,
				threads,
				cli: WEFT + storeFlags(options),
			}).then((a) =>
				// the JSON-RPC envelope around the result is a few dozen bytes
				fitAnswer(a, MAX_LINE - 1024, (threadId) =>
					[WEFT + storeFlags(options), "show", shellWord(threadId)].join(" "),
				),
			);
			void answer.then(progress?.stop, progress?.stop);
			call.done = answer.then(
				() => undefined,
				() => undefined,
			);
			inFlight.add(call);
			// a cancelled run answers at once but keeps its lease until its step's tasks settle (a node that
			// ignores its signal runs on): kept, so that closing waits for its lease to be given up before the
			// store closes under it
			void call.done.then(() => {
				if (!signal.aborted) inFlight.delete(call);
			});
			return answer;
		},
	);
	const closed = new Promise<void>((resolve) => {
		server.onclose = () => resolve();
	});
	try {
		await server.connect(new AnsweringStdioTransport(process.stdin, output));
		await closed;
		await Promise.all(
			// a cancelled run answers at once; its lease is given up when its step's tasks settle
			[...inFlight].map(async ({ threadId, done }) => {
				await done;
				if (threadId !== undefined)
					await settleCancelled(checkpointer, threadId);
			}),
		);
	} finally {
		stopListening();
	}
	await checkpointer.close?.();
	return stop.signal.aborted ? EXIT.cancelled : 0;
}

/** How long a call's run may go without a progress notification (decision 0218): well below the SDK's 60 s. */
const HEARTBEAT_MS = 10_000;

/**
 * A call's progress notifications, numbered as they are sent, and one more, `still running`, after each
 * `heartbeatMs` without one, until `stop`: a step longer than the host's request timeout is not cut off.
 */
function progressSender(
	notify: (n: number, message: string) => void,
	threadId: () => string | undefined,
	heartbeatMs: number,
): { send: (message: string) => void; stop: () => void } {
	let n = 0;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let stopped = false;
	const send = (message: string) => {
		if (stopped) return;
		notify(n++, message);
		clearTimeout(timer);
		if (heartbeatMs > 0)
			timer = setTimeout(
				() => send(`thread ${threadId()}: still running`),
				heartbeatMs,
			);
	};
	return {
		send,
		stop: () => {
			stopped = true;
			clearTimeout(timer);
		},
	};
}

/** A tool call running now: its thread, once the run has one, and when it has answered. */
interface InFlight {
	threadId: string | undefined;
	done: Promise<void>;
}

/** Registers `weft mcp` on the program. */
export function registerMcp(
	program: Program,
	exit: (code: number) => void,
	report: (error: unknown) => number,
): void {
	program
		.command("mcp")
		.description(
			"serve graphs as MCP tools over stdio: --graph name=module#export (repeatable)",
		)
		.option(
			"--heartbeat <duration>",
			"tell a host that asked for progress that a call's run goes on after this much silence (0: never)",
			"10s",
		)
		.action(async (o: { heartbeat: string }) => {
			const options = program.opts<StoreOptions>();
			try {
				const heartbeat = parseDuration("--heartbeat", o.heartbeat);
				exit(await serveMcp(graphSpecs(program), options, heartbeat));
			} catch (error) {
				exit(report(error));
			}
		});
}
