import { type ServerType, serve as serveNode } from "@hono/node-server";
import { type AppOptions, createApp } from "./app.ts";

/** Options of `serve`. */
export interface ServeOptions extends AppOptions {
	port?: number | undefined;
	hostname?: string | undefined;
}

/** Starts the API on Node; resolves once it listens. `close()` stops taking requests and cancels runs. */
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
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				// a client that keeps a connection busy (a studio reconnecting its event stream) must not
				// hold the shutdown: after a grace period the connections left are closed
				const http = server as { closeAllConnections?: () => void };
				setTimeout(() => http.closeAllConnections?.(), 2000).unref();
			});
		},
	};
}
