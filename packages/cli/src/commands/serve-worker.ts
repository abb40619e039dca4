import type { Checkpointer } from "@weft/checkpoint";
import type { Command as Program } from "commander";
import { portOf, positiveInt, UsageError } from "../cli-error.ts";
import { listening } from "../listen.ts";
import {
	configFile,
	graphsOfConfig,
	loadGraphs,
	servedGraphOfModule,
} from "../load-graph.ts";
import { parseDuration } from "../parse-value.ts";
import { stopSignal } from "../stop-signals.ts";
import { openStore } from "../store.ts";
import {
	checkAuthTokens,
	corsOf,
	graphSpecs,
	HEARTBEAT_FLAG,
	HEARTBEAT_HELP,
	serverConfig,
} from "./dev.ts";
import { parseGraphSpec } from "./mcp.ts";

interface CommonOptions {
	config?: string;
	postgres?: string;
	shutdownGrace: string;
	runTimeout?: string;
}

const runTimeout = (o: CommonOptions) =>
	o.runTimeout === undefined
		? undefined
		: parseDuration("--run-timeout", o.runTimeout);

/** What a command opened, each one's close: closed last first, also when starting fails. */
type Opened = Array<() => Promise<unknown> | undefined>;

const closeAll = async (opened: Opened) => {
	for (const close of opened.splice(0).reverse()) await close();
};

/**
 * Runs `start`, the rest of a command's start; when it throws, closes what was opened before the error
 * goes on: open pools would hold their connections and keep the process from exiting with its error.
 */
async function closedOnFailure<T>(
	opened: Opened,
	start: () => Promise<T>,
): Promise<T> {
	try {
		return await start();
	} catch (error) {
		// each closed whatever another's close does: the error reported is the start's
		for (const close of opened.splice(0).reverse())
			await Promise.resolve()
				.then(close)
				.catch(() => {});
		throw error;
	}
}

/**
 * The Postgres URL (`--postgres` after the command or before it), the graphs of `config` (the weft.json
 * read: `configFile`) and --graph, and what both commands open on that database: the checkpointer, the
 * run records and the memory store, each close going into `opened`.
 */
async function setUp(
	command: string,
	program: Program,
	o: CommonOptions,
	config: string | undefined,
	opened: Opened,
) {
	const url = o.postgres ?? program.opts<{ postgres?: string }>().postgres;
	if (url === undefined)
		throw new UsageError(
			`weft ${command} needs Postgres`,
			`pass --postgres postgres://user@host/db (weft dev runs on SQLite in one process)`,
		);
	const refs: [string, string][] = [];
	if (config !== undefined) refs.push(...graphsOfConfig(config));
	for (const spec of graphSpecs(program, command)) {
		const { name, module } = parseGraphSpec(spec);
		refs.push([name, module]);
	}
	if (refs.length === 0)
		throw new UsageError(
			`weft ${command} needs a graph`,
			"pass --graph name=module#export or --config weft.json, or run it in the folder of a weft.json",
		);
	const checkpointer: Checkpointer = await openStore({ postgres: url });
	opened.push(() => checkpointer.close?.());
	const { graphs, modules } = await loadGraphs(refs, checkpointer);
	const { openPostgresRecords } = await import("@weft/server");
	const { PostgresStore } = await import("@weft/checkpoint-postgres");
	const records = await openPostgresRecords(url);
	opened.push(() => records.close());
	const store = await PostgresStore.connect({ connectionString: url });
	opened.push(() => store.close());
	return { checkpointer, graphs, modules, records, store };
}

/** `weft serve`: the API on Postgres; runs are queued for `weft worker` processes. */
async function serveCommand(
	program: Program,
	o: CommonOptions & {
		port: string;
		host: string;
		auth?: boolean;
		cors?: string;
		heartbeat: string;
	},
): Promise<number> {
	await checkAuthTokens(o.auth, "serve");
	const file = configFile(o.config, graphSpecs(program, "serve"));
	const { runTimeoutMs: _inWorkers, ...config } = serverConfig(file);
	// every flag before anything connects: a mistyped one is USAGE, not a Postgres error met first
	const port = portOf(o.port);
	const shutdownGraceMs = parseDuration("--shutdown-grace", o.shutdownGrace);
	const heartbeatMs = parseDuration("--heartbeat", o.heartbeat);
	const cors = o.cors === undefined ? config.cors : corsOf(o.cors, undefined);
	const opened: Opened = [];
	const { server, graphs, stop } = await closedOnFailure(opened, async () => {
		const { checkpointer, graphs, modules, records, store } = await setUp(
			"serve",
			program,
			o,
			file,
			opened,
		);
		const { bearerTokens, serve } = await import("@weft/server");
		const stop = stopSignal(
			"the streams and runs.wait requests still open were cut: clients re-join with Last-Event-ID through another API process (the queued runs are the workers', untouched)",
		);
		const server = await listening(
			serve({
				...config,
				cors,
				store,
				shutdownGraceMs,
				heartbeatMs,
				graphs,
				checkpointer,
				records,
				queue: true,
				// `weft run` on Postgres records a thread's module from its working directory: taken as this one's
				graphOfModule: (recorded) =>
					servedGraphOfModule(recorded, modules, process.cwd()),
				port,
				hostname: o.host,
				authenticate: o.auth === true ? bearerTokens() : undefined,
				onServingLost: stop.lost,
			}),
		);
		return { server, graphs, stop };
	});
	process.stdout.write(
		`weft serve: listening on http://${o.host}:${server.port} (graphs: ${Object.keys(graphs).join(", ")}; runs queued for weft worker)\n`,
	);
	const lost = await stop.stopped;
	await server.close();
	await closeAll(opened);
	if (lost !== undefined) throw lost;
	return 0;
}

/** `weft worker`: executes queued runs until SIGINT/SIGTERM (then finishes the runs in flight). */
async function workerCommand(
	program: Program,
	o: CommonOptions & {
		concurrency: string;
		sweepMs: string;
		maxAttempts: string;
		healthPort?: string;
		healthHost: string;
	},
): Promise<number> {
	const file = configFile(o.config, graphSpecs(program, "worker"));
	const config = serverConfig(file);
	// before anything connects: a mistyped number is a usage error, not NaN
	const concurrency = positiveInt(o.concurrency, "--concurrency");
	const sweepMs = positiveInt(o.sweepMs, "--sweep-ms");
	const maxAttempts = positiveInt(o.maxAttempts, "--max-attempts");
	const shutdownGraceMs = parseDuration("--shutdown-grace", o.shutdownGrace);
	const runTimeoutMs = runTimeout(o) ?? config.runTimeoutMs;
	const healthPort =
		o.healthPort === undefined
			? undefined
			: portOf(o.healthPort, "--health-port");
	const opened: Opened = [];
	const { worker, graphs, stop, health } = await closedOnFailure(
		opened,
		async () => {
			const { checkpointer, graphs, records, store } = await setUp(
				"worker",
				program,
				o,
				file,
				opened,
			);
			const { serveHealth, startWorker } = await import("@weft/server");
			const stop = stopSignal(
				"the runs in flight were not handed over: another worker takes each up from its last checkpoint once its lease lapses (the graph's leaseTtlMs, 30 s unless set), at its next sweep (--sweep-ms)",
			);
			const worker = await startWorker({
				graphs,
				checkpointer,
				store,
				records: records as Parameters<typeof startWorker>[0]["records"],
				concurrency,
				sweepMs,
				maxAttempts,
				shutdownGraceMs,
				runTimeoutMs,
				onServingLost: stop.lost,
			});
			opened.push(() => worker.close());
			// GET /ok for an orchestrator's probes, as weft serve answers it: opened once the worker runs
			const health =
				healthPort === undefined
					? undefined
					: await listening(
							serveHealth({
								checkpointer,
								records,
								port: healthPort,
								hostname: o.healthHost,
							}),
							"--health-port",
						);
			return { worker, graphs, stop, health };
		},
	);
	const probed =
		health === undefined
			? ""
			: `, health: http://${o.healthHost}:${health.port}/ok`;
	process.stdout.write(
		`weft worker: ready (pid ${process.pid}, concurrency ${o.concurrency}, graphs: ${Object.keys(graphs).join(", ")}${probed})\n`,
	);
	const lost = await stop.stopped;
	// its probes fail from the signal on, as weft serve's /ok does
	await health?.close();
	process.stdout.write(
		`weft worker: stopping (${worker.running} ${worker.running === 1 ? "run" : "runs"} in flight, grace ${o.shutdownGrace})\n`,
	);
	await closeAll(opened);
	if (lost !== undefined) throw lost;
	return 0;
}

/** Registers `weft serve` and `weft worker` on the program. */
export function registerServeWorker(
	program: Program,
	exit: (code: number) => void,
	report: (error: unknown) => number,
): void {
	const common = (c: Program) =>
		c
			.option("--postgres <url>", "the Postgres database API and workers share")
			.option(
				"--config <file>",
				"weft.json with { graphs: { name: module#export } }",
			)
			.option(
				"--shutdown-grace <duration>",
				"on Ctrl-C or SIGTERM, how long runs in flight may finish (worker: then handed to another worker)",
				"10s",
			);
	common(
		program
			.command("serve")
			.description(
				"serve graphs over HTTP (LangGraph SDK compatible) on Postgres; runs are executed by weft worker",
			),
	)
		.option("--port <n>", "port (0: any free one)", "2024")
		.option("--host <host>", "interface to listen on", "127.0.0.1")
		.option(
			"--auth",
			"require Authorization: Bearer <token> for a token in WEFT_API_TOKENS",
		)
		.option(
			"--cors <origins>",
			"browser origins allowed to call the API, comma-separated (* any: the default; off: none)",
		)
		.option(HEARTBEAT_FLAG, HEARTBEAT_HELP, "15s")
		.action(async (o) => {
			try {
				exit(await serveCommand(program, o));
			} catch (error) {
				exit(report(error));
			}
		});
	common(
		program
			.command("worker")
			.description(
				"execute the runs weft serve queued (graphile-worker on Postgres)",
			),
	)
		.option("--concurrency <n>", "runs executed at once", "4")
		.option("--run-timeout <duration>", "stop runs longer than this (timeout)")
		.option(
			"--sweep-ms <ms>",
			"how often runs of dead workers are looked for",
			"5000",
		)
		.option(
			"--health-port <n>",
			"serve GET /ok (liveness) and /ok?check_db=1 (readiness) on this port for probes (0: any free one)",
		)
		.option(
			"--health-host <host>",
			"interface --health-port listens on (0.0.0.0 for probes from outside)",
			"127.0.0.1",
		)
		.option(
			"--max-attempts <n>",
			"a run whose worker is lost this many times (killed, crashed, its database away) ends error",
			"5",
		)
		.action(async (o) => {
			try {
				exit(await workerCommand(program, o));
			} catch (error) {
				exit(report(error));
			}
		});
}

/** The examples of `serve` and `worker`'s help, printed by main.ts after the section on --graph. */
export const serveWorkerExamples: Record<"serve" | "worker", string[]> = {
	serve: [
		"weft serve --postgres postgres://localhost/weft --config weft.json --port 2024",
	],
	worker: [
		"weft worker --postgres postgres://localhost/weft --config weft.json --concurrency 4",
	],
};
