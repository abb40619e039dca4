import { AsyncLocalStorage } from "node:async_hooks";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WeftError } from "../index.ts";

/** How to reach one MCP server: a command to spawn (stdio) or a streamable HTTP endpoint. */
export type McpServerConfig =
	| {
			command: string;
			args?: readonly string[] | undefined;
			env?: Record<string, string> | undefined;
			cwd?: string | undefined;
	  }
	| { url: string; headers?: Record<string, string> | undefined };

/** What a stdio server wrote to stderr lately (its last lines), for an error message: " (stderr: …)" or "". */
export function stderrNote(stderr: string): string {
	const tail = stderr.trim().split("\n").slice(-3).join(" | ");
	return tail === "" ? "" : ` (stderr: ${tail})`;
}

/** The stderr a stdio server's client has kept (its last 4,000 characters), by client. */
const stderrs = new WeakMap<Client, () => string>();

/** What the server behind `client` wrote to stderr lately ("" for HTTP servers, or none). */
export const stderrOf = (client: Client): string =>
	stderrs.get(client)?.() ?? "";

/** Who closed a client's connection: the server (it exited or hung up) or the tool set's owner. */
const closedBy = new WeakMap<Client, "server" | "owner">();

/** Whether `client`'s connection is closed, and by whom (undefined while it is open). */
export const closedOf = (client: Client): "server" | "owner" | undefined =>
	closedBy.get(client);

/** The `maxMessageBytes` a stdio server's answer went over (its transport then closed the connection), by client. */
const overflowed = new WeakMap<Client, number>();

/** The limit an answer of `client`'s server went over, closing the connection (undefined if none did). */
export const overflowOf = (client: Client): number | undefined =>
	overflowed.get(client);

/** The SDK's stdio transport's error for a message over its buffer (its `ReadBuffer`, 1.32). */
const OVERFLOW = /ReadBuffer exceeded maximum size/;

/**
 * One tool call, as the HTTP requests made for it see it (stdio calls make none): `lost` is what broke
 * its connection (a request that failed, or its answer's stream that broke), and `cut` is aborted then,
 * so the call fails at once instead of waiting out its timeout.
 */
export interface McpCall {
	readonly cut: AbortController;
	lost?: unknown;
	settled: boolean;
}

const calls = new AsyncLocalStorage<McpCall>();

/** Runs `call` (a `client.callTool`) as `state`: the HTTP requests it makes report to it. */
export function inCall<T>(state: McpCall, call: () => Promise<T>): Promise<T> {
	return calls.run(state, call).finally(() => {
		state.settled = true;
	});
}

/**
 * `call`'s connection broke: recorded, and the call cut once what is under way has run (an answer read
 * just before the stream broke has been taken then, and the call has settled).
 */
function lose(call: McpCall, error: unknown, cut: boolean): void {
	if (!("lost" in call)) call.lost = error;
	if (cut)
		setImmediate(() => {
			if (!call.settled) call.cut.abort(error);
		});
}

/**
 * The transport's `fetch`: a request of a call that fails, or an answer stream that breaks or ends
 * without the answer, is told to the call (the SDK only tells its `onerror`, and the call waits).
 */
async function watchedFetch(
	url: string | URL,
	init?: RequestInit,
): Promise<Response> {
	const call = calls.getStore();
	let response: Response;
	try {
		response = await fetch(url, init);
	} catch (error) {
		if (call !== undefined) lose(call, error, false);
		throw error;
	}
	if (call === undefined || response.status !== 200 || response.body === null)
		return response;
	const sse = (response.headers.get("content-type") ?? "").includes(
		"text/event-stream",
	);
	return new Response(watched(response.body, call, sse), {
		status: response.status,
		statusText: response.statusText,
		headers: response.headers,
	});
}

/**
 * `body`, telling `call` when it breaks, or (an event stream) when it ends: then the answer was not in
 * it, unless the server gave its events ids (a resumable stream, which the SDK picks up again itself).
 */
function watched(
	body: ReadableStream<Uint8Array>,
	call: McpCall,
	sse: boolean,
): ReadableStream<Uint8Array> {
	const reader = body.getReader();
	const decoder = new TextDecoder();
	let resumable = false;
	let tail = "\n";
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			let chunk: Awaited<ReturnType<typeof reader.read>>;
			try {
				chunk = await reader.read();
			} catch (error) {
				controller.error(error);
				if (!resumable) lose(call, error, sse);
				return;
			}
			if (chunk.done) {
				controller.close();
				if (sse && !resumable)
					lose(call, new Error("the server ended the call's stream"), true);
				return;
			}
			if (sse && !resumable) {
				const text = tail + decoder.decode(chunk.value, { stream: true });
				resumable = /[\r\n]id:/.test(text);
				tail = text.slice(-3);
			}
			controller.enqueue(chunk.value);
		},
		cancel: (reason) => reader.cancel(reason),
	});
}

/** Closes `client` on its owner's behalf (calls then say the set was closed, not that the server went). */
export function closeClient(client: Client): Promise<void> {
	if (!closedBy.has(client)) closedBy.set(client, "owner");
	return client.close();
}

/** Connection failures name the server and what was tried. */
export function connectionFailed(
	name: string,
	config: McpServerConfig,
	error: unknown,
	stderr = "",
): WeftError {
	const where =
		"command" in config
			? `command "${[config.command, ...(config.args ?? [])].join(" ")}"`
			: `URL ${config.url}`;
	const detail = error instanceof Error ? error.message : String(error);
	return new WeftError(
		"MCP_CONNECTION_FAILED",
		`MCP server "${name}" (${where}) could not be reached: ${detail}${stderrNote(stderr)}`,
		{
			hint:
				"command" in config
					? "check that the command runs on its own and speaks MCP on stdio"
					: "check that the server runs and the URL (with its path, often /mcp) is right",
			cause: error,
		},
	);
}

async function sdk() {
	try {
		const [client, stdio, http] = await Promise.all([
			import("@modelcontextprotocol/sdk/client/index.js"),
			import("@modelcontextprotocol/sdk/client/stdio.js"),
			import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
		]);
		return { client, stdio, http };
	} catch (error) {
		throw new WeftError(
			"MCP_CONNECTION_FAILED",
			"the MCP SDK is not installed",
			{ hint: "pnpm add @modelcontextprotocol/sdk", cause: error },
		);
	}
}

/**
 * A stdio transport whose `close()` is one closing for every caller: the SDK's client closes it without
 * waiting when a handshake fails (a timeout, an abort), and a second `close()` returned before the server
 * had stopped, so a failed load could reject with the server still running.
 */
function onceClosing<
	T extends new (
		...args: any[]
	) => { close(): Promise<void> },
>(Transport: T): T {
	return class extends Transport {
		#closing: Promise<void> | undefined;
		override close(): Promise<void> {
			this.#closing ??= super.close();
			return this.#closing;
		}
	};
}

/**
 * Connects to one server (spawning it for stdio); a failure is `MCP_CONNECTION_FAILED`. `signal` aborts
 * the handshake (the server is stopped again).
 */
export async function connectMcp(
	name: string,
	config: McpServerConfig,
	timeoutMs: number,
	maxMessageBytes: number,
	signal?: AbortSignal,
): Promise<Client> {
	const { client: c, stdio, http } = await sdk();
	const client = new c.Client({ name: "weft", version: "0.1.0" });
	let stderr = "";
	const request = {
		timeout: timeoutMs,
		...(signal === undefined ? {} : { signal }),
	};
	try {
		if ("command" in config) {
			const transport = new (onceClosing(stdio.StdioClientTransport))({
				command: config.command,
				args: [...(config.args ?? [])],
				...(config.env === undefined
					? {}
					: { env: { ...stdio.getDefaultEnvironment(), ...config.env } }),
				...(config.cwd === undefined ? {} : { cwd: config.cwd }),
				stderr: "pipe",
				maxBufferSize: maxMessageBytes,
			});
			// the transport says an answer over its buffer to `onerror`, then closes the connection
			client.onerror = (error) => {
				if (OVERFLOW.test(error.message))
					overflowed.set(client, maxMessageBytes);
			};
			// kept for the error message; never printed
			transport.stderr?.on("data", (chunk: Buffer) => {
				stderr = (stderr + chunk.toString()).slice(-4000);
			});
			stderrs.set(client, () => stderr);
			await client.connect(transport, request);
		} else {
			const transport = new http.StreamableHTTPClientTransport(
				new URL(config.url),
				{
					fetch: watchedFetch,
					...(config.headers === undefined
						? {}
						: { requestInit: { headers: config.headers } }),
				},
			);
			await client.connect(transport, request);
		}
		// called before the calls in flight fail, so they can tell the server went away
		client.onclose = () => {
			if (!closedBy.has(client)) closedBy.set(client, "server");
		};
		return client;
	} catch (error) {
		await client.close().catch(() => {});
		throw connectionFailed(name, config, error, stderr);
	}
}
