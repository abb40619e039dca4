// How a run's client gets its answer: its events streamed as SSE (a new run's, or joined again after
// `Last-Event-ID`), or its output once it has ended (`runs.wait`, `runs.join`); a client that leaves is
// waited for no longer, and `on_disconnect: "cancel"` cancels its run.
import { ValidationError } from "@weft/checkpoint";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { Env, ServerContext } from "../context.ts";
import { MESSAGES_MODE_EVENTS } from "../messages-mode.ts";
import { JoinStreamQuery } from "../query-schemas.ts";
import { type RunEvent, RunEventLog, sseFrame } from "../run-events.ts";
import { type RunCreateBody, StreamModeName } from "../schemas.ts";
import {
	clientLeft,
	HEARTBEAT,
	keepAlive,
	nodeJsonKeptAlive,
	nodeResponse,
	nodeSSE,
} from "../sse-node.ts";
import type { RunRecord } from "../thread-registry.ts";
import { query } from "./validate.ts";

/** A run's path, its ids percent-encoded: what a response header may hold (Latin-1 only). */
export const runPath = (threadId: string, runId: string): string =>
	`/threads/${encodeURIComponent(threadId)}/runs/${encodeURIComponent(runId)}`;

/**
 * Answers `runs.wait` and `runs.join` with the run's output once it has ended. A client that leaves first
 * is waited for no longer, and with `cancel` (`on_disconnect: "cancel"`) its run is cancelled, as a
 * stream's is.
 */
export async function answerWhenDone(
	ctx: ServerContext,
	c: Context<Env>,
	run: RunRecord,
	cancel: boolean,
): Promise<Response> {
	const left = clientLeft(c);
	if (cancel)
		left.addEventListener(
			"abort",
			() => void ctx.runs.cancel(run, false).catch(() => {}),
			{ once: true },
		);
	const answer = ctx.runs.join(run.runId, left);
	const outgoing = nodeResponse(c);
	return outgoing === undefined || ctx.heartbeatMs <= 0
		? c.json(await answer)
		: nodeJsonKeptAlive(c, outgoing, answer, ctx.heartbeatMs);
}

/**
 * Answers a run just created with `runs.wait` once it has ended; as LangGraph's server, `Location` names
 * where the answer can be asked again (the run's `join`), beside the `Content-Location` every new run's
 * answer has (`startRun`). A stateless run's thread is deleted when it ends: its join then answers 404.
 */
export function waitNewRun(
	ctx: ServerContext,
	c: Context<Env>,
	run: RunRecord,
	b: RunCreateBody,
): Promise<Response> {
	c.header("Location", `${runPath(run.threadId, run.runId)}/join`);
	return answerWhenDone(ctx, c, run, b.on_disconnect === "cancel");
}

/**
 * (Re)joins a run's stream (`runs.joinStream`): after `Last-Event-ID` (one past the newest event: from the
 * next new one), only the `stream_mode`s asked for, cancelling the run when the client leaves with
 * `cancel_on_disconnect=1`.
 */
export async function joinRunStream(
	ctx: ServerContext,
	c: Context<Env>,
	run: RunRecord,
) {
	// a run of an earlier process (`weft dev` restarted) ended there: none of its events are here
	const log = ctx.runs.events(run.runId) ?? RunEventLog.gone();
	// stream_mode may be repeated: `streamModesOf` reads every occurrence
	const { cancel_on_disconnect } = query(
		c,
		JoinStreamQuery.omit({ stream_mode: true }),
	);
	const asked = lastEventIdOf(c);
	const modes = streamModesOf(c.req.queries("stream_mode"));
	const lastEventId = await log.place(asked, run.runId);
	const onDisconnect = cancel_on_disconnect === true ? run : undefined;
	return runStream(ctx, c, log, onDisconnect, lastEventId, modes);
}

/**
 * Streams a run just created, from its first event; `on_disconnect: "cancel"` cancels it when the client
 * leaves. A `Last-Event-ID` sent with the POST is ignored, as LangGraph's server does: it names an event of
 * another run (this one has none yet); a client resumes this run at `Location` (decision 0248).
 */
export function streamNewRun(
	ctx: ServerContext,
	c: Context<Env>,
	run: RunRecord,
	b: RunCreateBody,
) {
	c.header("Location", `${runPath(run.threadId, run.runId)}/stream`);
	return runStream(
		ctx,
		c,
		ctx.runs.events(run.runId)!,
		b.on_disconnect === "cancel" ? run : undefined,
	);
}

/**
 * The request's `Last-Event-ID`: an event id of the run's stream (a whole number), or none. `-1` is none:
 * `useStream` sends it to join a run from its start, and LangGraph's server replays the whole stream.
 */
function lastEventIdOf(c: Context<Env>): string | undefined {
	const id = c.req.header("Last-Event-ID")?.trim();
	if (id === "-1") return undefined;
	if (id === undefined || /^\d+$/.test(id)) return id;
	throw new ValidationError(
		`Last-Event-ID "${id}" is not an event id of this run's stream (a whole number)`,
		{
			hint: "reconnect with the id of the last event you received, or without Last-Event-ID (or with -1) for every event",
		},
	);
}

const MODES = `one or more of ${StreamModeName.options.join(", ")}`;

/**
 * The event names a join asks for (`stream_mode`: repeated, comma-separated, or the SDK's JSON array);
 * undefined: all of them. `metadata` and `error` always go.
 */
function streamModesOf(
	given: string[] | undefined,
): ReadonlySet<string> | undefined {
	const modes = (given ?? []).flatMap((v) => {
		try {
			const parsed: unknown = JSON.parse(v);
			if (Array.isArray(parsed)) return parsed.map(String);
		} catch {}
		return v.split(",");
	});
	if (modes.length === 0) return undefined;
	for (const m of modes)
		if (!StreamModeName.safeParse(m.trim()).success)
			throw new ValidationError(
				`query parameter "stream_mode" has ${JSON.stringify(m)}: pass ${MODES}`,
				{
					hint: `stream_mode: pass ${MODES} (repeated, comma-separated or a JSON array); /openapi.json lists each route's query parameters`,
				},
			);
	// the run's events are named as LangGraph sends them: `messages-tuple` streams `messages` events,
	// `messages` its three `messages/…` events
	return new Set([
		"metadata",
		"error",
		...modes.flatMap((m) =>
			m.trim() === "messages-tuple"
				? ["messages"]
				: m.trim() === "messages"
					? MESSAGES_MODE_EVENTS
					: [m.trim()],
		),
	]);
}

async function* only(
	events: AsyncIterable<RunEvent>,
	names: ReadonlySet<string> | undefined,
): AsyncIterable<RunEvent> {
	// a subgraph's event (`updates|sub:<id>`) goes with its mode's
	for await (const ev of events)
		if (names === undefined || names.has(ev.event.split("|", 1)[0]!)) yield ev;
}

/**
 * Streams a run's events as SSE, after `lastEventId`, only those of `modes` when given (their ids stay:
 * a reconnect resumes after the last one received); the run goes on if the client leaves.
 */
export function runStream(
	ctx: ServerContext,
	c: Context<Env>,
	log: RunEventLog,
	cancelOnLeave: RunRecord | undefined,
	lastEventId?: string,
	modes?: ReadonlySet<string>,
) {
	const onLeave = () => {
		if (cancelOnLeave !== undefined) void ctx.runs.cancel(cancelOnLeave, false);
	};
	// on Node, straight to the socket; elsewhere (app.request, other runtimes) through Hono's web stream
	const outgoing = nodeResponse(c);
	if (outgoing !== undefined)
		return nodeSSE(
			c,
			outgoing,
			(left) => only(log.read(lastEventId, left), modes),
			onLeave,
			ctx.heartbeatMs,
		);
	return streamSSE(c, async (stream) => {
		const left = new AbortController();
		stream.onAbort(() => {
			left.abort();
			onLeave();
		});
		const beats = keepAlive(
			ctx.heartbeatMs,
			() => void stream.write(HEARTBEAT),
		);
		try {
			for await (const ev of only(log.read(lastEventId, left.signal), modes)) {
				beats.wrote();
				await stream.write(sseFrame(ev));
			}
		} finally {
			beats.stop();
		}
	});
}
