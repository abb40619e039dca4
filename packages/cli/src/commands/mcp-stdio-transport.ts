import type { Readable } from "node:stream";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
	type JSONRPCMessage,
	JSONRPCMessageSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { DataOutput } from "../stdout-data.ts";
import { MAX_LINE } from "./mcp-limits.ts";

/** How much of a skipped line's end is kept to find its request's id (the SDK writes `id` last). */
const TAIL = 256;

/**
 * MCP over stdio, one JSON-RPC message a line, as the SDK's `StdioServerTransport`, except that a line
 * which is not a message is answered (JSON-RPC 2.0: -32700 for one that is not JSON, -32600 for JSON
 * that is not a request, with the request's id when it has a usable one, else `id: null`) where the
 * SDK's reports it to `onerror` only and the client waits for nothing. Blank lines are skipped. The end of
 * stdin does not cut the calls still running: once each request read has been answered (or cancelled by
 * the client), the transport closes, and with it the server (the SDK's never closes, so a process serving
 * with it stays until its event loop empties).
 */
export class AnsweringStdioTransport implements Transport {
	onclose?: (() => void) | undefined;
	onerror?: ((error: Error) => void) | undefined;
	onmessage?: ((message: JSONRPCMessage) => void) | undefined;
	readonly #stdin: Readable;
	readonly #stdout: DataOutput;
	#buffer = "";
	/** Whether the rest of a line over `MAX_LINE` is being skipped, and the last characters of it. */
	#skipping = false;
	#tail = "";
	#closed = false;
	/** Whether stdin has ended: the transport closes once `#open` is empty. */
	#ended = false;
	/** The ids of the requests read and not answered yet. */
	readonly #open = new Set<string | number>();

	constructor(
		stdin: Readable = process.stdin,
		stdout: DataOutput = process.stdout,
	) {
		this.#stdin = stdin;
		this.#stdout = stdout;
	}

	async start(): Promise<void> {
		this.#stdin.setEncoding("utf8");
		this.#stdin.on("data", this.#onData);
		this.#stdin.on("error", this.#onError);
		this.#stdin.on("end", this.#onEnd);
		this.#stdin.on("close", this.#onEnd);
	}

	async send(message: JSONRPCMessage): Promise<void> {
		const line = fitted(JSON.stringify(message), message);
		await new Promise<void>((resolve) => {
			if (this.#stdout.write(`${line}\n`)) resolve();
			else {
				// a client that stopped reading (its end of the pipe closed) never drains it: the answer is
				// given up, as the request is, and the server still ends when stdin does
				this.#stdout.once("drain", resolve);
				this.#stdout.once("close", resolve);
				this.#stdout.once("error", resolve);
			}
		});
		if (!("method" in message) && "id" in message) {
			this.#open.delete(message.id as string | number);
			this.#closeWhenDone();
		}
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		this.#stdin.off("data", this.#onData);
		this.#stdin.off("error", this.#onError);
		this.#stdin.off("end", this.#onEnd);
		this.#stdin.off("close", this.#onEnd);
		if (this.#stdin.listenerCount("data") === 0) this.#stdin.pause();
		this.#buffer = "";
		this.onclose?.();
	}

	readonly #onError = (error: Error) => this.onerror?.(error);

	readonly #onEnd = () => {
		this.#ended = true;
		this.#closeWhenDone();
	};

	/** Closes once stdin has ended and every request read has its answer sent. */
	#closeWhenDone(): void {
		if (this.#ended && this.#open.size === 0) void this.close();
	}

	readonly #onData = (chunk: string) => {
		if (this.#skipping) {
			const end = chunk.indexOf("\n");
			this.#tail = (
				this.#tail + (end === -1 ? chunk : chunk.slice(0, end))
			).slice(-TAIL);
			if (end === -1) return;
			this.#skipped();
			chunk = chunk.slice(end + 1);
		}
		this.#buffer += chunk;
		for (
			let end = this.#buffer.indexOf("\n");
			end !== -1;
			end = this.#buffer.indexOf("\n")
		) {
			const line = this.#buffer.slice(0, end).replace(/\r$/, "");
			this.#buffer = this.#buffer.slice(end + 1);
			if (line.length > MAX_LINE) {
				this.#head = line.slice(0, TAIL);
				this.#tail = line.slice(-TAIL);
				this.#skipped();
			} else this.#line(line);
		}
		// a line over the limit is skipped to its end, then refused once, with its id when its end has one
		if (this.#buffer.length > MAX_LINE) {
			this.#head = this.#buffer.slice(0, TAIL);
			this.#tail = this.#buffer.slice(-TAIL);
			this.#buffer = "";
			this.#skipping = true;
		}
	};

	/** The first characters of the line being skipped (an id written first is there). */
	#head = "";

	/** Refuses the line skipped, answering its request's id when one can be read at either end. */
	#skipped(): void {
		this.#skipping = false;
		const id = skippedId(this.#head, this.#tail);
		this.#head = "";
		this.#tail = "";
		this.#refuse(
			id,
			-32600,
			`Invalid Request: the message is over 10 MiB (${MAX_LINE} bytes), the most an MCP stdio message may hold here; nothing ran. Pass large data by reference (a file path or URL the graph reads) instead of inline`,
		);
	}

	#line(line: string): void {
		if (line.trim() === "") return;
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch (error) {
			this.#refuse(null, -32700, `Parse error: ${(error as Error).message}`);
			return;
		}
		const message = JSONRPCMessageSchema.safeParse(value);
		if (message.success) {
			const m = message.data;
			if ("method" in m && "id" in m) {
				// the SDK answers a call whose params its schema refuses with -32603 and the schema's dump
				const bad =
					m.method === "tools/call" ? badCallParams(m.params) : undefined;
				if (bad !== undefined) {
					this.#refuse(m.id, -32602, `Invalid params: ${bad}`);
					return;
				}
				this.#open.add(m.id);
			}
			// a request the client cancelled gets no answer (the SDK's server sends none)
			else if (
				"method" in m &&
				m.method === "notifications/cancelled" &&
				m.params !== undefined
			) {
				this.#open.delete(
					(m.params as { requestId?: string | number }).requestId ?? "",
				);
				this.#closeWhenDone();
			}
			this.onmessage?.(m);
			return;
		}
		this.#refuse(idOf(value), -32600, `Invalid Request: ${whyInvalid(value)}`);
	}

	/** Answers a line that is no message, and tells `onerror` (as the SDK's transport does). */
	#refuse(id: string | number | null, code: number, message: string): void {
		this.onerror?.(new Error(`${message} (answered ${code})`));
		// id: null is JSON-RPC 2.0's answer to a message whose id could not be read
		void this.send({
			jsonrpc: "2.0",
			id,
			error: { code, message },
		} as unknown as JSONRPCMessage);
	}
}

/**
 * The id of a skipped request, read from its start or its end (a JSON-RPC id at the top level is
 * written first or last by every client seen), or null.
 */
function skippedId(head: string, tail: string): string | number | null {
	const first =
		/^\s*\{(?:\s*"jsonrpc"\s*:\s*"2\.0"\s*,)?\s*"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")/.exec(
			head,
		);
	const last = /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")\s*\}\s*$/.exec(tail);
	const found = first?.[1] ?? last?.[1];
	if (found === undefined) return null;
	try {
		return idOf({ id: JSON.parse(found) });
	} catch {
		return null;
	}
}

/**
 * A message as a line a host can read: an answer over `MAX_LINE` (a host's SDK would drop the connection
 * on it) is sent as an error with its id instead. Tool answers are cut down before (mcp-graph-tools.ts).
 */
function fitted(line: string, message: JSONRPCMessage): string {
	if (line.length <= MAX_LINE / 2 || Buffer.byteLength(line) <= MAX_LINE)
		return line;
	const id = (message as { id?: unknown }).id;
	return JSON.stringify({
		jsonrpc: "2.0",
		id: typeof id === "string" || typeof id === "number" ? id : null,
		error: {
			code: -32603,
			message: `Internal error: the answer is ${Buffer.byteLength(line)} bytes, over the 10 MiB (${MAX_LINE} bytes) an MCP stdio message may hold; it was not sent`,
		},
	});
}

/** The id of a request that is otherwise invalid, when it is one a client can match (string or integer). */
function idOf(value: unknown): string | number | null {
	const id = (value as { id?: unknown } | null)?.id;
	return typeof id === "string" || Number.isInteger(id)
		? (id as string | number)
		: null;
}

/** What is wrong with a `tools/call`'s params (a name, and arguments that are an object), or undefined. */
function badCallParams(params: unknown): string | undefined {
	if (typeof params !== "object" || params === null || Array.isArray(params))
		return "tools/call takes params { name, arguments }";
	const { name, arguments: args } = params as Record<string, unknown>;
	if (typeof name !== "string")
		return "name must be the tool's name (a string)";
	if (
		args !== undefined &&
		(typeof args !== "object" || args === null || Array.isArray(args))
	)
		return `arguments must be an object of the tool's inputs, not ${args === null ? "null" : Array.isArray(args) ? "an array" : typeof args}`;
	return undefined;
}

function whyInvalid(value: unknown): string {
	if (Array.isArray(value))
		return "a batch (an array): MCP takes one message a line";
	if (typeof value !== "object" || value === null)
		return `${JSON.stringify(value)} is not a JSON-RPC message object`;
	const o = value as Record<string, unknown>;
	if (o.jsonrpc !== "2.0") return 'a message needs "jsonrpc": "2.0"';
	if ("method" in o && typeof o.method !== "string")
		return "method must be a string";
	if ("id" in o && idOf(o) === null) return "id must be a string or an integer";
	if (!("method" in o) && !("result" in o) && !("error" in o))
		return "a message has a method (a request or notification), or a result or error (a response)";
	return "not a JSON-RPC 2.0 request, notification or response";
}
