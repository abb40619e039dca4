import type { Checkpointer } from "@weft/checkpoint";
import { WeftError } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import { Hono } from "hono";
import type { Authenticate, Env, ServerContext } from "./context.ts";
import { toHttpError } from "./http-errors.ts";
import { openApiDocument } from "./openapi.ts";
import { assistantRoutes } from "./routes/assistants.ts";
import { runRoutes } from "./routes/runs.ts";
import { type StudioOptions, studioRoutes } from "./routes/studio.ts";
import { threadRoutes } from "./routes/threads.ts";
import { RunManager } from "./run-manager.ts";
import { ThreadRegistry } from "./thread-registry.ts";

/** Options of `createApp`. */
export interface AppOptions {
	/** Graphs by name: each is an assistant with `graph_id: name`. */
	graphs: Record<string, CompiledGraph<any, any>>;
	/** Where runs keep their checkpoints: every graph runs on it, whatever it was compiled with. */
	checkpointer: Checkpointer;
	/** Decides who a request comes from; without it every request is accepted as one anonymous owner. */
	authenticate?: Authenticate | undefined;
	/** Weft Studio at `/studio` (on unless false). */
	studio?: StudioOptions | false | undefined;
}

/** The server: a Hono app plus `close()` (cancels runs in flight and waits for them). */
export interface WeftApp {
	app: Hono<Env>;
	close(): Promise<void>;
}

/** Builds the HTTP API (wire-compatible with `@langchain/langgraph-sdk` 2.x). */
export function createApp(options: AppOptions): WeftApp {
	const registry = new ThreadRegistry();
	const ctx: ServerContext = {
		graphs: new Map(
			Object.entries(options.graphs).map(([name, g]) => [
				name,
				g.withCheckpointer(options.checkpointer),
			]),
		),
		checkpointer: options.checkpointer,
		registry,
		runs: new RunManager(registry),
	};
	const app = new Hono<Env>();
	app.onError((error, c) => {
		const { status, body } = toHttpError(error);
		return c.json(body, status as 400);
	});
	app.get("/ok", (c) => c.json({ ok: true }));
	app.get("/openapi.json", (c) => c.json(openApiDocument()));
	app.get("/info", (c) =>
		c.json({ version: "0.1.0", flags: { assistants: true, crons: false } }),
	);
	const authenticate = options.authenticate;
	app.use("*", async (c, next) => {
		if (authenticate === undefined) {
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
	app.route("/assistants", assistantRoutes(ctx));
	app.route("/threads", threadRoutes(ctx));
	app.route("/threads/:thread_id/runs", runRoutes(ctx));
	if (options.studio !== false)
		app.route("/studio", studioRoutes(ctx, options.studio));
	return { app, close: () => ctx.runs.close() };
}
