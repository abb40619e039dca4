import type { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context } from "hono";
import { runErrorOf } from "./http-errors.ts";
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

/** The headers the route set on Hono's response (CORS, `Location`, …), for a response written on Node's. */
function headersOf(c: Context): Record<string, string> {
	const headers: Record<string, string> = {};
	c.res.headers.forEach((value, key) => {
		headers[key] = value;
	});
	return headers;
}

/**
 * Calls `beat` after every `ms` of silence (`wrote()` not called within the last `ms`) until `stop()`;
 * with `ms` 0, never.
 */
export function keepAlive(ms: number, beat: () => void) {
	let quiet = true;
	const timer =
		ms > 0
			? setInterval(() => {
					if (quiet) beat();
					quiet = true;
				}, ms)
			: undefined;
	timer?.unref();
	return {
		wrote: () => {
			quiet = false;
		},
		stop: () => clearInterval(timer),
	};
}

/**
 * Streams `events` as SSE straight to Node's response: the same headers and frames as Hono's `streamSSE`,
 * without a web stream between the events and the socket, and an SSE comment (`: heartbeat`) after every
 * `heartbeatMs` of silence. `onLeave` runs when the client goes away before the end. Returns the response
 * Hono must not send (the stream is already on its way).
 */
export function nodeSSE(
	c: Context,
	outgoing: ServerResponse,
	events: (left: AbortSignal) => AsyncIterable<RunEvent>,
	onLeave: () => void,
	heartbeatMs: number,
): Response {
	// asked before the headers go: a client gone already (during the run's admission) is seen
	const left = clientLeft(c);
	left.addEventListener("abort", onLeave, { once: true });
	outgoing.writeHead(200, {
		...headersOf(c),
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
	const beats = keepAlive(heartbeatMs, () => {
		if (!outgoing.destroyed) outgoing.write(HEARTBEAT);
	});
	void (async () => {
		try {
			for await (const ev of events(left)) {
				wrote = true;
				beats.wrote();
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
			beats.stop();
			if (!outgoing.destroyed) outgoing.end();
		}
	})();
	return RESPONSE_ALREADY_SENT;
}

/**
 * The SSE comment line a quiet stream sends: parsers skip it (the SDK's, `EventSource`). No blank line
 * after it: the SDK's parser would dispatch that as an event with no name and no data, the stream's last
 * event id being set.
 */
export const HEARTBEAT = ": heartbeat\n";

/**
 * Answers `answer`'s JSON on Node's response, as `c.json` would when it comes within `heartbeatMs`;
 * later, the status is sent at `heartbeatMs` as 200 with a blank line after every `heartbeatMs` of waiting
 * (JSON allows the whitespace), and an answer that fails after that is written as LangGraph's
 * `{"__error__": {error, message}}`.
 */
export async function nodeJsonKeptAlive(
	c: Context,
	outgoing: ServerResponse,
	answer: Promise<unknown>,
	heartbeatMs: number,
): Promise<Response> {
	const settled = answer.then(
		(value) => ({ value }),
		(error: unknown) => ({ error }),
	);
	let timer: ReturnType<typeof setTimeout> | undefined;
	const early = await Promise.race([
		settled,
		new Promise<undefined>((resolve) => {
			timer = setTimeout(() => resolve(undefined), heartbeatMs);
		}),
	]);
	clearTimeout(timer);
	if (early !== undefined) {
		if ("error" in early) throw early.error;
		return c.json(early.value as object);
	}
	outgoing.writeHead(200, {
		...headersOf(c),
		"content-type": "application/json",
	});
	outgoing.write("\n");
	const beats = keepAlive(heartbeatMs, () => {
		if (!outgoing.destroyed) outgoing.write("\n");
	});
	const done = await settled;
	beats.stop();
	if (!outgoing.destroyed)
		outgoing.end(
			JSON.stringify(
				"error" in done ? { __error__: runErrorOf(done.error) } : done.value,
			),
		);
	return RESPONSE_ALREADY_SENT;
}
