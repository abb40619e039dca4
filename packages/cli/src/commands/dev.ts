import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Store } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import type { CorsOptions } from "@weft/server";
import type { Command as Program } from "commander";
import { portOf, UsageError } from "../cli-error.ts";
import { listening } from "../listen.ts";
import {
	configFile,
	graphsOfConfig,
	loadGraphs,
	readJsonFile,
	servedGraphOf,
	servedGraphOfModule,
} from "../load-graph.ts";
import { parseDuration } from "../parse-value.ts";
import { stopSignal } from "../stop-signals.ts";
import {
	openStore,
	refuseTwoStores,
	removeUnusedDatabase,
	type StoreOptions,
} from "../store.ts";
import { evalStoreBeside } from "./eval.ts";
import { parseGraphSpec } from "./mcp.ts";

type AnyGraph = CompiledGraph<any, any>;

interface DevOptions {
	config?: string;
	port: string;
	host: string;
	auth?: boolean;
	shutdownGrace: string;
	runTimeout?: string;
	concurrency?: string;
	cors?: string;
	lockWait?: string;
	heartbeat: string;
}

/** `--heartbeat`: how long a stream or a wait stays silent before the server sends a keep-alive. */
export const HEARTBEAT_FLAG = "--heartbeat <duration>";
export const HEARTBEAT_HELP =
	"keep quiet streams and long waits open through proxies: send a keep-alive after this much silence (0: never)";

/** `--concurrency n`: a positive whole number, or undefined when not given. */
function concurrency(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1)
		throw new UsageError(
			`--concurrency ${value} is not a positive whole number`,
			"e.g. --concurrency 4",
		);
	return n;
}

/** The server settings of `weft.json` besides its graphs. */
export interface ServerConfig {
	answerScope?: string | Record<string, string> | undefined;
	maxRunsPerAssistant?: number | Record<string, number> | undefined;
	runTimeoutMs?: number | undefined;
	cors?: CorsOptions | false | undefined;
}

/** The keys of weft.json: an unknown one is refused rather than ignored (decision 0146). */
const CONFIG_KEYS = [
	"graphs",
	"answerScope",
	"maxRunsPerAssistant",
	"runTimeoutMs",
	"cors",
];

/**
 * Which browser origins may call the server: `--cors` (comma-separated origins, `*`, or `off`), else
 * `weft.json`'s `"cors"` (`"*"`, a list of origins, or false); undefined: every origin.
 */
export function corsOf(
	flag: string | undefined,
	config: unknown,
	file?: string,
): CorsOptions | false | undefined {
	if (flag !== undefined) {
		const v = flag.trim();
		if (v === "off" || v === "none" || v === "false") return false;
		if (v === "*") return { origins: "*" };
		const origins = v.split(",").map((o) => o.trim());
		if (origins.some((o) => !/^https?:\/\/[^/\s]+$/.test(o)))
			throw new UsageError(
				`--cors ${flag}: give origins as scheme://host[:port], comma-separated`,
				"e.g. --cors http://localhost:5173,https://app.example.com (or * for any, off for none)",
			);
		return { origins };
	}
	if (config === undefined) return undefined;
	if (config === false) return false;
	if (config === "*") return { origins: "*" };
	if (Array.isArray(config) && config.every((o) => typeof o === "string"))
		return { origins: config };
	throw new UsageError(
		`${file ?? "weft.json"}: "cors" must be "*", a list of origins, or false`,
		'e.g. "cors": ["http://localhost:5173"]',
	);
}

/**
 * `answerScope` (the scope that answering a human checkpoint needs: one, or one per graph),
 * `maxRunsPerAssistant` and `runTimeoutMs` of `weft.json`, checked.
 */
export function serverConfig(file: string | undefined): ServerConfig {
	if (file === undefined) return {};
	const parsed = readJsonFile(resolve(file)) as Record<string, unknown>;
	const perGraph = (key: string, type: "string" | "number") => {
		const v = parsed[key];
		if (v === undefined || typeof v === type) return v;
		if (
			typeof v === "object" &&
			v !== null &&
			Object.values(v).every((x) => typeof x === type)
		)
			return v;
		throw new UsageError(
			`${file}: "${key}" must be a ${type} or { graph: ${type} }`,
			`e.g. "${key}": ${type === "string" ? '"approver"' : "4"}`,
		);
	};
	const unknown = Object.keys(parsed).find(
		(key) => !CONFIG_KEYS.includes(key) && key !== "$schema",
	);
	if (unknown !== undefined)
		throw new UsageError(
			`${file}: unknown key "${unknown}" (weft.json holds ${CONFIG_KEYS.join(", ")})`,
			"check its spelling; other server options (events, rateLimit, maxBodyBytes) are serve()'s, in code (docs/server.md)",
		);
	const timeout = parsed.runTimeoutMs;
	if (timeout !== undefined && typeof timeout !== "number")
		throw new UsageError(
			`${file}: "runTimeoutMs" must be a number`,
			'e.g. "runTimeoutMs": 600000',
		);
	return {
		answerScope: perGraph(
			"answerScope",
			"string",
		) as ServerConfig["answerScope"],
		maxRunsPerAssistant: perGraph(
			"maxRunsPerAssistant",
			"number",
		) as ServerConfig["maxRunsPerAssistant"],
		runTimeoutMs: timeout,
		cors: corsOf(undefined, parsed.cors, file),
	};
}

/** The `--graph` values given after `dev` (the global `--graph` keeps only the last). */
export function graphSpecs(program: Program, command: string): string[] {
	const raw =
		(program as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv;
	const specs: string[] = [];
	for (let i = raw.indexOf(command) + 1; i < raw.length; i++) {
		const a = raw[i]!;
		if (a === "--graph" && raw[i + 1] !== undefined) specs.push(raw[++i]!);
		else if (a.startsWith("--graph=")) specs.push(a.slice("--graph=".length));
	}
	return specs;
}

/**
 * `--auth`'s check, made before anything is opened: `WEFT_API_TOKENS` must hold a token, else the server
 * would refuse every request with 401 (a deploy whose unit file lacks the variable; decision 0145).
 */
export async function checkAuthTokens(
	auth: boolean | undefined,
	command: "dev" | "serve",
): Promise<void> {
	if (auth !== true) {
		// tokens in the environment without --auth: the operator meant them to be used (decision 0239)
		if ((process.env.WEFT_API_TOKENS ?? "").replaceAll(",", "").trim() !== "")
			process.stderr.write(
				`weft ${command}: WEFT_API_TOKENS is set but --auth is not given: requests are served without a token (pass --auth to require one)\n`,
			);
		return;
	}
	const { parseApiTokens } = await import("@weft/server");
	let tokens: unknown[];
	try {
		tokens = parseApiTokens((process.env.WEFT_API_TOKENS ?? "").split(","));
	} catch (error) {
		// a bad entry is the operator's to fix before anything starts, as a missing token is
		const { message, hint } = error as { message: string; hint?: string };
		throw new UsageError(message, hint ?? "");
	}
	if (tokens.length === 0)
		throw new UsageError(
			"--auth needs at least one token in WEFT_API_TOKENS (it is unset or names none: every request would be refused)",
			'set WEFT_API_TOKENS="name:token" (several comma-separated), e.g. WEFT_API_TOKENS="web:$(openssl rand -hex 24)"',
		);
}

/**
 * Serves the graphs over HTTP (LangGraph-SDK compatible) with runs executed in this process, on SQLite
 * (`--db`), until SIGINT or SIGTERM. Prints one line with the URL when ready. Returns the exit code.
 */
export async function dev(
	specs: string[],
	o: DevOptions,
	store: StoreOptions,
): Promise<number> {
	const refs: [string, string][] = [];
	const configPath = configFile(o.config, specs);
	if (configPath !== undefined) refs.push(...graphsOfConfig(configPath));
	for (const spec of specs) {
		const { name, module } = parseGraphSpec(spec);
		refs.push([name, module]);
	}
	if (refs.length === 0)
		throw new UsageError(
			"weft dev needs a graph",
			"pass --graph name=module#export or --config weft.json, or run it in the folder of a weft.json",
		);
	await checkAuthTokens(o.auth, "dev");
	const config = serverConfig(configPath);
	// how long to wait for another process serving the file to end (a restart overlapping it; decision 0111)
	const lockWait = o.lockWait ?? process.env.WEFT_LOCK_WAIT;
	const lockWaitMs =
		lockWait === undefined
			? undefined
			: parseDuration(
					o.lockWait === undefined ? "WEFT_LOCK_WAIT" : "--lock-wait",
					lockWait,
				);
	// a database this command makes is removed again if it cannot start (a module that fails, a port in use)
	const file =
		store.postgres === undefined ? (store.db ?? "weft.db") : undefined;
	const fresh = file !== undefined && file !== ":memory:" && !existsSync(file);
	const opened: Array<() => Promise<void> | void> = [];
	const closeAll = async () => {
		for (const close of opened.splice(0).reverse()) await close();
	};
	let server: { port: number; close(): Promise<void> };
	let graphs: Record<string, AnyGraph>;
	let stop: ReturnType<typeof stopSignal>;
	try {
		const checkpointer = await openStore(store, {
			access: "create",
			command: "dev",
		});
		opened.push(() => checkpointer.close?.());
		const loaded = await loadGraphs(refs, checkpointer);
		graphs = loaded.graphs;
		// `weft run` records a thread's module from the database's folder
		const base = file === undefined ? process.cwd() : resolve(file, "..");
		const {
			bearerTokens,
			DEFAULT_LOCK_WAIT_MS,
			serve,
			openPostgresRecords,
			openSqliteRecords,
		} = await import("@weft/server");
		const onLockWait = (message: string) =>
			process.stderr.write(`weft dev: ${message}\n`);
		const memory = await openMemoryStore(store);
		opened.push(() => memory.close());
		const feedback = await evalStoreBeside(store);
		opened.push(() => feedback.close?.());
		const records =
			store.postgres !== undefined
				? await openPostgresRecords(store.postgres, {
						lockWaitMs: lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
						onLockWait,
					})
				: file === ":memory:"
					? undefined
					: await openSqliteRecords(file!, { lockWaitMs, onLockWait });
		opened.push(() => records?.close());
		// the studio shows each model call's prompt and answer: kept in checkpoint metadata (decision 0026)
		(await import("@weft/graph")).configureTelemetry({ recordContent: true });
		// SIGINT, SIGTERM, or the database lost to another process (decision 0110): then it exits non-zero
		stop = stopSignal(
			"the runs in flight were abandoned: after a restart they read `error`, and their threads go on from their last checkpoint (a new run, or `weft recover <thread>`) once their lease lapses (the graph's leaseTtlMs, 30 s unless set)",
		);
		server = await listening(
			serve({
				...config,
				cors: o.cors === undefined ? config.cors : corsOf(o.cors, undefined),
				...(o.runTimeout === undefined
					? {}
					: { runTimeoutMs: parseDuration("--run-timeout", o.runTimeout) }),
				shutdownGraceMs: parseDuration("--shutdown-grace", o.shutdownGrace),
				heartbeatMs: parseDuration("--heartbeat", o.heartbeat),
				maxConcurrentRuns: concurrency(o.concurrency),
				graphs,
				checkpointer,
				records,
				store: memory,
				feedback,
				port: portOf(o.port),
				hostname: o.host,
				authenticate: o.auth === true ? bearerTokens() : undefined,
				onServingLost: stop.lost,
				// a thread a `weft run` made on this file runs one of these graphs: its module says which
				graphOfModule: (recorded) =>
					servedGraphOfModule(recorded, loaded.modules, base),
				studio: {
					graphIdOf: (threadId) =>
						servedGraphOf(checkpointer, threadId, loaded.modules, base).catch(
							() => undefined,
						),
				},
			}),
		);
	} catch (error) {
		await closeAll();
		if (fresh) await removeUnusedDatabase(file);
		throw error;
	}
	// the studio's address only when it will open (its build is there); else how to build it
	const studio = (await import("@weft/server")).studioBuild();
	process.stdout.write(
		`weft dev: listening on http://${o.host}:${server.port} (graphs: ${Object.keys(graphs).join(", ")}; ${studio.built ? `studio: http://${o.host}:${server.port}/studio/` : "studio: not built"})\n`,
	);
	if (!studio.built)
		process.stdout.write(
			`weft dev: the studio is not built, so /studio/ answers 404: ${studio.hint}\n`,
		);
	const lost = await stop.stopped;
	if (lost === undefined)
		process.stdout.write(
			`weft dev: stopping (no new runs; the runs in flight may finish within --shutdown-grace ${o.shutdownGrace}; Ctrl-C again stops at once)\n`,
		);
	await server.close();
	await closeAll();
	if (lost !== undefined) throw lost;
	return 0;
}

/** The long-term memory `weft dev` serves at `/store` and gives runs: beside the checkpoints. */
async function openMemoryStore(options: StoreOptions): Promise<Store> {
	if (options.postgres !== undefined) {
		const { PostgresStore } = await import("@weft/checkpoint-postgres");
		return PostgresStore.connect({ connectionString: options.postgres });
	}
	const { SqliteStore } = await import("@weft/checkpoint-sqlite");
	return new SqliteStore({ path: options.db ?? "weft.db" });
}

/** Registers `weft dev` on the program. */
export function registerDev(
	program: Program,
	exit: (code: number) => void,
	report: (error: unknown) => number,
): void {
	program
		.command("dev")
		.description(
			"serve graphs over HTTP (LangGraph SDK compatible), runs in this process on SQLite",
		)
		.option(
			"--config <file>",
			"weft.json with { graphs: { name: module#export } }",
		)
		.option("--port <n>", "port (0: any free one)", "2024")
		.option("--host <host>", "interface to listen on", "127.0.0.1")
		.option(
			"--auth",
			"require Authorization: Bearer <token> for a token in WEFT_API_TOKENS",
		)
		.option(
			"--shutdown-grace <duration>",
			"on Ctrl-C or SIGTERM, how long runs in flight may finish before they are cancelled",
			"10s",
		)
		.option("--run-timeout <duration>", "stop runs longer than this (timeout)")
		.option(
			"--concurrency <n>",
			"runs executed at once; the others wait pending (default: no limit)",
		)
		.option(
			"--cors <origins>",
			"browser origins allowed to call the API, comma-separated (* any: the default; off: none)",
		)
		.option(HEARTBEAT_FLAG, HEARTBEAT_HELP, "15s")
		.option(
			"--lock-wait <duration>",
			"how long to wait for another process still serving the database (a restart; default 30s); env WEFT_LOCK_WAIT",
			undefined,
		)
		.action(async (o: DevOptions) => {
			try {
				refuseTwoStores(program, program.opts<StoreOptions>());
				exit(
					await dev(
						graphSpecs(program, "dev"),
						o,
						program.opts<StoreOptions>(),
					),
				);
			} catch (error) {
				exit(report(error));
			}
		});
}
