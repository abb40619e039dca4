import { type ServerType, serve as serveNode } from "@hono/node-server";
import { type AppOptions, createApp } from "./app.ts";

/** Options of `serve`. */
export interface ServeOptions extends AppOptions {
	port?: number | undefined;
	hostname?: string | undefined;
}

/**
 * Starts the API on Node; resolves once it listens. `close()` refuses new runs, lets runs in flight
 * finish within `shutdownGraceMs` (cancelling the rest), stops listening, and ends the streams still open
 * after the grace (a client reconnects with `Last-Event-ID`, to another API process behind a balancer).
 */
export async function serve(
	options: ServeOptions,
): Promise<{ port: number; close(): Promise<void> }> {
	const weft = createApp(options);
	await weft.ready;
	const server = await new Promise<ServerType>((resolve) => {
		const s = serveNode(
			{
				fetch: weft.app.fetch,
				port: options.port ?? 2024,
				hostname: options.hostname ?? "127.0.0.1",
			},
			() => resolve(s),
		);
	});
	const address = server.address();
	const port =
		typeof address === "object" && address !== null
			? address.port
			: (options.port ?? 2024);
	return {
		port,
		async close() {
			await weft.close();
			const http = server as import("node:http").Server;
			const closed = new Promise<void>((resolve) =>
				server.close(() => resolve()),
			);
			http.closeIdleConnections?.();
			const timer = setTimeout(
				() => http.closeAllConnections?.(),
				options.shutdownGraceMs ?? 10_000,
			);
			await closed;
			clearTimeout(timer);
		},
	};
}
