import type { Checkpointer } from "@weft/checkpoint";
import { Hono } from "hono";
import type { Env } from "./context.ts";
import { toHttpError } from "./http-errors.ts";
import type { ServerRecords } from "./records/server-records.ts";
import { healthRoutes } from "./routes/health.ts";
import { listenOn } from "./serve.ts";

/** Options of `serveHealth`. */
export interface HealthOptions {
	/** Read, with `records`, by `/ok?check_db=1`. */
	checkpointer: Checkpointer;
	records?: ServerRecords | undefined;
	/** 0: any free one (the answer's `port` says which). */
	port: number;
	/** Default 127.0.0.1; 0.0.0.0 for probes from outside the machine (a Kubernetes kubelet). */
	hostname?: string | undefined;
}

/**
 * `GET /ok` alone, for a process that serves no API (`weft worker --health-port`): plain `/ok` is
 * liveness (200, asking nothing), `/ok?check_db=1` readiness (the database read once, 503
 * `STORE_UNAVAILABLE` while it does not answer), as `weft serve` answers them (decisions 0239, 0242).
 * Any other path is 404. `close()` stops listening and ends the probes' connections.
 */
export async function serveHealth(
	options: HealthOptions,
): Promise<{ port: number; close(): Promise<void> }> {
	const app = new Hono<Env>();
	app.onError((error, c) => {
		const { status, body } = toHttpError(error);
		return c.json(body, status as 400);
	});
	app.notFound((c) =>
		c.json(
			{
				detail: `no route ${c.req.method} ${c.req.path}`,
				code: "NOT_FOUND",
				hint: "this port answers GET /ok (and /ok?check_db=1) only",
			},
			404,
		),
	);
	healthRoutes(app, options.checkpointer, options.records);
	const port = options.port;
	const server = await listenOn(
		app.fetch,
		port,
		options.hostname ?? "127.0.0.1",
	);
	const address = server.address();
	let closed: Promise<void> | undefined;
	return {
		port: typeof address === "object" && address !== null ? address.port : port,
		close() {
			closed ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				(server as import("node:http").Server).closeAllConnections?.();
			});
			return closed;
		},
	};
}
