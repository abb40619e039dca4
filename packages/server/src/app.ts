import type { Checkpointer, Store } from "@weft/checkpoint";
import { WeftError } from "@weft/checkpoint";
import type { EvalStore } from "@weft/evals";
import type { CompiledGraph } from "@weft/graph";
import { Hono } from "hono";
import { bodyLimit } from "./body-limit.ts";
import type { Authenticate, Env, ServerContext } from "./context.ts";
import { type CorsOptions, corsFor } from "./cors.ts";
import { failureLog } from "./failure-log.ts";
import { toHttpError } from "./http-errors.ts";
import { methodNotAllowedAnswer } from "./method-not-allowed.ts";
import { openApiDocument } from "./openapi.ts";
import { type RateLimit, rateLimiter } from "./rate-limit.ts";
import type { ServerRecords } from "./records/server-records.ts";
import { assistantRoutes } from "./routes/assistants.ts";
import { feedbackRoutes } from "./routes/feedback.ts";
import { healthRoutes } from "./routes/health.ts";
import { runRoutes } from "./routes/runs.ts";
import { statelessRoutes } from "./routes/stateless.ts";
import { storeRoutes } from "./routes/store.ts";
import { type StudioOptions, studioRoutes } from "./routes/studio.ts";
import { threadCopyRoutes } from "./routes/thread-copy.ts";
import { threadStateRoutes } from "./routes/thread-state.ts";
import { threadRoutes } from "./routes/threads.ts";
import type { EventRetention } from "./run-events.ts";
import { RunManager } from "./run-manager.ts";
import { sweepEvery } from "./sweep-every.ts";
import { appLoad, watchServerLoad } from "./telemetry-gauges.ts";
import {
	dropLeftStatelessThreads,
	sweepExpiredThreads,
} from "./thread-expiry.ts";
import { type RunRecord, ThreadRegistry } from "./thread-registry.ts";
import { unsupportedRoute } from "./unsupported.ts";
import { toWire, withInterrupts } from "./wire-values.ts";
import { openQueue } from "./worker/open-queue.ts";

/** Options of `createApp`. */
export interface AppOptions {
	/** Graphs by name: each is an assistant with `graph_id: name`. */
	graphs: Record<string, CompiledGraph<any, any>>;
	/** Where runs keep their checkpoints: every graph runs on it, whatever it was compiled with. */
	checkpointer: Checkpointer;
	/** Decides who a request comes from; without it every request is accepted as one anonymous owner. */
	authenticate?: Authenticate | undefined;
	/**
	 * Long-term memory: served at `/store` (the SDK's `client.store`) and given to runs as `ctx.store`
	 * (overriding a store the graph was compiled with). With auth on, each owner sees only its own items.
	 */
	store?: Store | undefined;
	/** Largest request body accepted, in bytes (default 10 MiB); larger ones get 413 `VALIDATION_FAILED`. */
	maxBodyBytes?: number | undefined;
	/** Requests per caller (its identity; everyone together without auth) per window; over it, 429. */
	rateLimit?: RateLimit | undefined;
	/** Where `POST /threads/:id/feedback` records feedback (an `@weft/evals` store); without it, 404. */
	feedback?: EvalStore | undefined;
	/** Where thread and run records are kept across restarts (default: this process's memory). */
	records?: ServerRecords | undefined;
	/**
	 * Queue runs for `weft worker` processes instead of executing them here (`weft serve`): needs
	 * `records` in Postgres (`openPostgresRecords`), the database the workers share.
	 */
	queue?: boolean | undefined;
	/** Weft Studio at `/studio` (on unless false). */
	studio?: StudioOptions | false | undefined;
	/**
	 * The scope a caller needs to answer a human checkpoint (a run with `command.resume`): one for every
	 * graph, or one per graph name. Scopes come from `authenticate` (`AuthUser.scopes`); a caller
	 * without it gets 403 `FORBIDDEN`. Needs `authenticate`.
	 */
	answerScope?: string | Readonly<Record<string, string>> | undefined;
	/** A run still running after this long is stopped with status `timeout` (in process; default none). */
	runTimeoutMs?: number | undefined;
	/**
	 * Runs of one assistant pending or running at once (one number for all, or one per graph name); a run
	 * over it is refused with 429 `RATE_LIMITED`. Counted on this process's records.
	 */
	maxRunsPerAssistant?: number | Readonly<Record<string, number>> | undefined;
	/** How long `close()` lets runs in flight finish before cancelling them (default 10 s). */
	shutdownGraceMs?: number | undefined;
	/**
	 * Told when this process lost its hold on the database (Postgres records: the lock's connection dropped)
	 * and another process took it the other way meanwhile (decision 0110). The runs in flight here are
	 * stopped at once and no new run is taken; the handler should close the server (the CLI exits non-zero).
	 * Default: the error is written to stderr.
	 */
	onServingLost?: ((error: WeftError) => void) | undefined;
	/** Runs executed at once in this process; the others wait as `pending` (default: no limit). */
	maxConcurrentRuns?: number | undefined;
	/** How many events each run keeps, and for how long after it ends (in process). */
	events?: EventRetention | undefined;
	/**
	 * Which browser origins may call the API (CORS): every origin unless given, as LangGraph's server
	 * allows; false: no CORS headers (same-origin callers and servers only).
	 */
	cors?: CorsOptions | false | undefined;
	/**
	 * How long a stream or a `runs.wait` may stay silent before the server sends something to keep the
	 * connection open through proxies (default 15 s; 0: never): an SSE comment `: heartbeat` on a stream;
	 * on a wait, blank lines before its JSON, the status then being 200 (a run failing later is its
	 * `__error__`, as LangGraph's server answers). A wait that ends sooner is answered as before.
	 */
	heartbeatMs?: number | undefined;
	/**
	 * Which registered graph a module recorded with a thread's checkpoints is (`weft run` records its
	 * module#export as `metadata.graph`), if any: a thread made on the store without the server is then
	 * listed and read with that graph's `graph_id` (decision 0241). `weft dev` and `weft serve` pass it;
	 * without it only a recorded `graph_id` naming a registered graph is taken.
	 */
	graphOfModule?: ((recorded: string) => string | undefined) | undefined;
}

/** The server: a Hono app plus `close()` (cancels runs in flight and waits for them). */
export interface WeftApp {
	app: Hono<Env>;
	close(): Promise<void>;
	/** Resolves once the stored records are loaded (`serve` waits for it before listening). */
	ready: Promise<void>;
}

/** Builds the HTTP API (wire-compatible with `@langchain/langgraph-sdk` 2.x). */
export function createApp(options: AppOptions): WeftApp {
	if (options.answerScope !== undefined && options.authenticate === undefined)
		throw new WeftError(
			"CONFIG_INVALID",
			"answerScope needs authenticate: without it no caller has a scope",
			{
				hint: "pass authenticate (weft dev/serve: --auth), or drop answerScope",
			},
		);
	const heartbeatMs = options.heartbeatMs ?? 15_000;
	if (!(Number.isFinite(heartbeatMs) && heartbeatMs >= 0))
		throw new WeftError(
			"CONFIG_INVALID",
			`heartbeatMs ${heartbeatMs} is not a duration in milliseconds`,
			{ hint: "pass a number of milliseconds (e.g. 15000), or 0 for none" },
		);
	const registry = new ThreadRegistry(options.records);
	/**
	 * A run's join answer when it has no output of its own (it never ran, or ran in an earlier process): the
	 * thread's values now, with why the run failed when it did.
	 */
	const stateOf = async (run: RunRecord): Promise<Record<string, unknown>> => {
		const snap = await ctx.graphs
			.get(run.graphId)
			?.getState({ threadId: run.threadId })
			.catch(() => undefined);
		const state =
			snap === undefined
				? {}
				: (toWire(withInterrupts(snap.values, snap.interrupts)) as Record<
						string,
						unknown
					>);
		return run.error === undefined ? state : { ...state, __error__: run.error };
	};
	const ctx: ServerContext = {
		graphs: new Map(
			Object.entries(options.graphs).map(([name, g]) => [
				name,
				g.withCheckpointer(options.checkpointer),
			]),
		),
		checkpointer: options.checkpointer,
		registry,
		runs: new RunManager(registry, {
			runTimeoutMs: options.runTimeoutMs,
			shutdownGraceMs: options.shutdownGraceMs,
			events: options.events,
			maxConcurrentRuns: options.maxConcurrentRuns,
			stateOf: (run) => stateOf(run),
		}),
		store: options.store,
		answerScope: options.answerScope,
		maxRunsPerAssistant: options.maxRunsPerAssistant,
		registeredAt: new Date().toISOString(),
		heartbeatMs,
		graphOfModule: options.graphOfModule,
	};
	const app = new Hono<Env>();
	// first: a preflight carries no credentials, and every answer (errors, streams) carries the headers
	if (options.cors !== false)
		app.use("*", corsFor(options.cors ?? { origins: "*" }));
	app.onError((error, c) => {
		const { status, body } = toHttpError(error);
		// what the server did not expect: the stack goes to its log, as INTERNAL_ERROR's hint says
		if (body.code === "INTERNAL_ERROR")
			process.stderr.write(
				`weft server: ${c.req.method} ${c.req.path}: ${error instanceof Error ? error.stack : String(error)}\n`,
			);
		return c.json(body, status as 400);
	});
	// LangGraph's SDK reads `detail` of any error: an unknown route answers like the others
	// LangGraph's routes that Weft lacks say what is not supported, and what to do instead
	app.notFound((c) =>
		c.json(
			unsupportedRoute(c.req.method, c.req.path) ?? {
				detail: `no route ${c.req.method} ${c.req.path}`,
				code: "NOT_FOUND",
				hint: "see /openapi.json for the routes this server answers",
			},
			404,
		),
	);
	// a path the server has, asked with another method: 405 with Allow (a path it lacks stays 404)
	app.use("*", methodNotAllowedAnswer(app));
	healthRoutes(app, options.checkpointer, options.records);
	app.get("/openapi.json", (c) => c.json(openApiDocument()));
	app.get("/info", (c) =>
		c.json({
			version: "0.1.0",
			flags: {
				assistants: true,
				crons: false,
				store: options.store !== undefined,
			},
		}),
	);
	const maxSize = options.maxBodyBytes ?? 10 * 1024 * 1024;
	app.use(
		"*",
		bodyLimit({
			maxSize,
			onError: (c) =>
				c.json(
					{
						detail: `the request body is larger than ${maxSize} bytes`,
						code: "VALIDATION_FAILED",
						hint: "send less, or start the server with a larger maxBodyBytes",
					},
					413,
				),
		}),
	);
	const authenticate = options.authenticate;
	app.use("*", async (c, next) => {
		// the studio's own files (HTML, JS, CSS) load without a token: the page then asks for one
		const studioFile =
			options.studio !== false &&
			c.req.method === "GET" &&
			/^\/studio(\/(?!api(\/|$)).*)?$/.test(c.req.path);
		if (authenticate === undefined || studioFile) {
			c.set("user", undefined);
			return next();
		}
		const user = await Promise.resolve(authenticate(c.req.raw)).catch(
			() => null,
		);
		if (user == null)
			throw new WeftError("UNAUTHENTICATED", "missing or refused credentials", {
				hint: "send Authorization: Bearer <token>",
			});
		c.set("user", user);
		return next();
	});
	if (options.rateLimit !== undefined)
		app.use("*", rateLimiter(options.rateLimit));
	// with other API processes on the same database: what they answered before this request is read here
	for (const path of ["/threads/*", "/threads", "/runs/*", "/studio/api/*"])
		app.use(path, async (_c, next) => {
			await ctx.runs.caughtUp();
			return next();
		});
	app.route("/assistants", assistantRoutes(ctx));
	app.route("/threads", threadRoutes(ctx));
	app.route("/threads", threadStateRoutes(ctx));
	app.route("/threads/:thread_id/runs", runRoutes(ctx));
	app.route("/runs", statelessRoutes(ctx));
	app.route("/threads/:thread_id/copy", threadCopyRoutes(ctx));
	if (options.store !== undefined)
		app.route("/store", storeRoutes(options.store));
	if (options.feedback !== undefined)
		app.route(
			"/threads/:thread_id/feedback",
			feedbackRoutes(ctx, options.feedback),
		);
	// ends the studio's event streams on close (an open stream would keep the HTTP server from closing)
	const closing = new AbortController();
	if (options.studio !== false)
		app.route("/studio", studioRoutes(ctx, options.studio, closing.signal));
	let unwatch = () => {};
	let stopSweeping = async () => {};
	let stopSweepingStore = async () => {};
	let stopServing = async () => {};
	// executing runs here, it holds the database alone; with a queue, shared with workers (decision 0106)
	// runs are closed once: at once when the database was lost to another process, else by close()
	let runsClosed: Promise<void> | undefined;
	const closeRuns = (graceMs?: number) => {
		runsClosed ??= ctx.runs.close(graceMs);
		return runsClosed;
	};
	const servingLost = (error: WeftError) => {
		void closeRuns(0).catch(() => {});
		if (options.onServingLost !== undefined) options.onServingLost(error);
		else
			console.error(`weft server: ${error.message}\nhint: ${error.hint ?? ""}`);
	};
	const ready = Promise.resolve(
		options.records?.serving?.(options.queue !== true, servingLost),
	)
		.then((release) => {
			if (release !== undefined) stopServing = release;
			return registry.load(failureLog("cannot save a record"), (error) =>
				console.error(
					`weft server: skipped an unreadable record: ${error.message}\nhint: ${error.hint}`,
				),
			);
		})
		.then(async () => {
			if (options.queue === true)
				ctx.runs = await openQueue(registry, options.records, stateOf);
			ctx.runs.orphaned();
			// each periodic job logs the first failure of an outage in full, not its repeats (decision 0240)
			const threadSweep = failureLog("cannot delete an expired thread");
			if (options.queue !== true)
				await dropLeftStatelessThreads(ctx, (error) =>
					threadSweep.failed(error),
				);
			// threads past their ttl: deleted now and every few seconds (decision 0090)
			stopSweeping = sweepEvery(() => sweepExpiredThreads(ctx), threadSweep);
			// store items past their ttlMs: their data (value, search text, vector) deleted from disk too;
			// reads never return them, but without this they stayed on disk for good (decision 0222)
			const store = options.store;
			if (store !== undefined)
				stopSweepingStore = sweepEvery(
					() => store.sweep(),
					failureLog("cannot delete expired store items"),
				);
			// runs in flight, queue depth, lease age: gauges read when the application's meter collects
			unwatch = watchServerLoad(
				appLoad(registry, options.queue === true),
				options.checkpointer,
			);
		});
	return {
		app,
		ready,
		close: async () => {
			unwatch();
			await stopSweeping();
			await stopSweepingStore();
			closing.abort();
			await closeRuns();
			await registry.flush();
			await stopServing();
		},
	};
}
