import { type ServerType, serve as serveNode } from "@hono/node-server";
import { WeftError } from "@weft/checkpoint";
import { type AppOptions, createApp } from "./app.ts";
import { settledWithin } from "./settled-within.ts";

/** Options of `serve`. */
export interface ServeOptions extends AppOptions {
	port?: number | undefined;
	hostname?: string | undefined;
}

/**
 * Starts the API on Node; resolves once it listens. `close()` refuses new runs, lets runs in flight
 * finish within `shutdownGraceMs` (cancelling the rest), stops listening, and ends the streams still open
 * after the grace (a client reconnects with `Last-Event-ID`, to another API process behind a balancer),
 * then waits (up to the grace again) for the handlers of requests it cut off: the stores can be closed.
 */
export async function serve(
	options: ServeOptions,
): Promise<{ port: number; close(): Promise<void> }> {
	const weft = createApp(options);
	await weft.ready;
	const port = options.port ?? 2024;
	const hostname = options.hostname ?? "127.0.0.1";
	// the requests being handled: a handler goes on after its connection is cut at the grace's end, and
	// the caller closes its stores once close() resolves (an updateState cut off then failed its commit
	// and kept the thread's lease until it lapsed)
	const handling = new Set<Promise<unknown>>();
	const fetch: typeof weft.app.fetch = (...args) => {
		const answer = Promise.resolve(weft.app.fetch(...args));
		handling.add(answer);
		const done = () => handling.delete(answer);
		answer.then(done, done);
		return answer;
	};
	const server = await listenOn(fetch, port, hostname).catch(
		async (error: unknown) => {
			await weft.close();
			throw error;
		},
	);
	const address = server.address();
	return {
		port: typeof address === "object" && address !== null ? address.port : port,
		async close() {
			const grace = options.shutdownGraceMs ?? 10_000;
			await weft.close();
			const http = server as import("node:http").Server;
			const closed = new Promise<void>((resolve) =>
				server.close(() => resolve()),
			);
			http.closeIdleConnections?.();
			// a connection whose request ends from now on (a studio's event stream, ended by close(), a
			// browser's keep-alive socket between requests) is closed too, not kept open until the grace
			const idle = setInterval(() => http.closeIdleConnections?.(), 100);
			const timer = setTimeout(() => http.closeAllConnections?.(), grace);
			await closed;
			clearInterval(idle);
			clearTimeout(timer);
			// bounded too: a handler that never ends does not keep the process from stopping
			await settledWithin([...handling], grace);
		},
	};
}

/** A Node HTTP server answering with `fetch`, once it listens; one that cannot is `listenError`'s. */
export function listenOn(
	fetch: (request: Request) => Response | Promise<Response>,
	port: number,
	hostname: string,
): Promise<ServerType> {
	return new Promise<ServerType>((resolve, reject) => {
		const s = serveNode({ fetch, port, hostname }, () => {
			s.off("error", refused);
			resolve(s);
		});
		// without a listener a taken port was an unhandled 'error' event: a crash with a stack trace
		const refused = (error: NodeJS.ErrnoException) =>
			reject(listenError(error, port, hostname));
		s.once("error", refused);
	});
}

/** Why the server could not listen, as a `CONFIG_INVALID` naming the address (the system error is its cause). */
function listenError(
	error: NodeJS.ErrnoException,
	port: number,
	hostname: string,
): WeftError {
	const where = `${hostname}:${port}`;
	if (error.code === "EADDRINUSE")
		return new WeftError(
			"CONFIG_INVALID",
			`port ${port} is in use (${where})`,
			{
				hint: "stop what listens there, or pick another port (0: any free one)",
				cause: error,
			},
		);
	if (error.code === "EACCES")
		return new WeftError(
			"CONFIG_INVALID",
			`not allowed to listen on ${where}`,
			{
				hint: "ports below 1024 need privileges: pick a port from 1024 up (0: any free one)",
				cause: error,
			},
		);
	return new WeftError(
		"CONFIG_INVALID",
		`cannot listen on ${where}: ${error.message}`,
		{ hint: "check the host name and the port", cause: error },
	);
}
