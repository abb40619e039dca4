import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";

/**
 * Hono's `bodyLimit`, without building a WHATWG `Request` for every request: a GET or HEAD has no body,
 * and a body with a `Content-Length` (and no `Transfer-Encoding`) is judged by it, as Hono's does. Only a
 * body of unknown length goes through Hono's middleware, which reads and counts it.
 */
export function bodyLimit(options: {
	maxSize: number;
	onError: (c: Context) => Response | Promise<Response>;
}): MiddlewareHandler {
	const counted = honoBodyLimit(options);
	return async (c, next) => {
		const method = c.req.method;
		if (method === "GET" || method === "HEAD") return next();
		const length = c.req.header("content-length");
		if (length !== undefined && c.req.header("transfer-encoding") === undefined)
			return Number.parseInt(length || "0", 10) > options.maxSize
				? options.onError(c)
				: next();
		return counted(c, next);
	};
}

/**
 * The request's body as text. On Node (`@hono/node-server`), read straight from the `IncomingMessage`
 * while nothing else has read it (no `Request` body stream is built); elsewhere through the `Request`.
 */
export async function bodyText(c: Context): Promise<string> {
	const incoming = (c.env as { incoming?: IncomingMessage } | undefined)
		?.incoming;
	if (
		incoming === undefined ||
		typeof incoming.on !== "function" ||
		incoming.readableDidRead ||
		incoming.readableEnded
	)
		return c.req.text();
	const chunks: Buffer[] = [];
	for await (const chunk of incoming) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString("utf8");
}
