import type { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context } from "hono";
import { type RunEvent, sseFrame } from "./run-events.ts";

/** The Node response under the request (`@hono/node-server`), when nothing has been sent on it yet. */
export function nodeResponse(c: Context): ServerResponse | undefined {
	const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)
		?.outgoing;
	return outgoing !== undefined &&
		typeof outgoing.writeHead === "function" &&
		!outgoing.headersSent
		? outgoing
		: undefined;
}

/**
 * Aborts when the client goes away before its answer was sent: on Node, the response closed unfinished
 * (its socket); elsewhere (`app.request`, other runtimes), the request's own signal.
 */
export function clientLeft(c: Context): AbortSignal {
	const outgoing = nodeResponse(c);
	if (outgoing === undefined) return c.req.raw.signal;
	const left = new AbortController();
	// gone already (it left while the run was being admitted)
	if (outgoing.destroyed || outgoing.socket?.destroyed === true) left.abort();
	else
		outgoing.once("close", () => {
			if (!outgoing.writableFinished) left.abort();
		});
	return left.signal;
}

/**
 * Streams `events` as SSE straight to Node's response: the same headers and frames as Hono's `streamSSE`,
 * without a web stream between the events and the socket. `onLeave` runs when the client goes away
 * before the end. Returns the response Hono must not send (the stream is already on its way).
 */
export function nodeSSE(
	c: Context,
	outgoing: ServerResponse,
	events: (left: AbortSignal) => AsyncIterable<RunEvent>,
	onLeave: () => void,
): Response {
	// asked before the headers go: a client gone already (during the run's admission) is seen
	const left = clientLeft(c);
	left.addEventListener("abort", onLeave, { once: true });
	const headers: Record<string, string> = {};
	c.res.headers.forEach((value, key) => {
		headers[key] = value;
	});
	outgoing.writeHead(200, {
		...headers,
		"transfer-encoding": "chunked",
		"content-type": "text/event-stream",
		"cache-control": "no-cache",
		connection: "keep-alive",
	});
	let wrote = false;
	// the headers go out with the first event, or on their own when none is ready at once
	setImmediate(() => {
		if (!wrote && !outgoing.destroyed) outgoing.flushHeaders();
	});
	void (async () => {
		try {
			for await (const ev of events(left)) {
				wrote = true;
				if (outgoing.destroyed) break;
				if (!outgoing.write(sseFrame(ev)))
					await new Promise<void>((resolve) => {
						const done = () => {
							outgoing.off("drain", done);
							outgoing.off("close", done);
							resolve();
						};
						outgoing.on("drain", done);
						outgoing.on("close", done);
					});
			}
		} catch (error) {
			console.error(error);
		} finally {
			if (!outgoing.destroyed) outgoing.end();
		}
	})();
	return RESPONSE_ALREADY_SENT;
}
