import type { Readable } from "node:stream";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
	type JSONRPCMessage,
	JSONRPCMessageSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { DataOutput } from "../stdout-data.ts";

/** The most a line may hold before the transport gives up on it (the SDK's stdio limit). */
const MAX_LINE = 10 * 1024 * 1024;

/**
 * MCP over stdio, one JSON-RPC message a line, as the SDK's `StdioServerTransport`, except that a line
 * which is not a message is answered (JSON-RPC 2.0: -32700 for one that is not JSON, -32600 for JSON
 * that is not a request, with the request's id when it has a usable one, else `id: null`) where the
 * SDK's reports it to `onerror` only and the client waits for nothing. Blank lines are skipped. As with
 * the SDK's, the end of stdin does not close it: calls still running answer before the process exits.
 */
export class AnsweringStdioTransport implements Transport {
	onclose?: (() => void) | undefined;
	onerror?: ((error: Error) => void) | undefined;
	onmessage?: ((message: JSONRPCMessage) => void) | undefined;
	readonly #stdin: Readable;
	readonly #stdout: DataOutput;
	#buffer = "";
	#closed = false;

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
	}

	send(message: JSONRPCMessage): Promise<void> {
		return new Promise((resolve) => {
			if (this.#stdout.write(`${JSON.stringify(message)}\n`)) resolve();
			else this.#stdout.once("drain", resolve);
		});
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		this.#stdin.off("data", this.#onData);
		this.#stdin.off("error", this.#onError);
		if (this.#stdin.listenerCount("data") === 0) this.#stdin.pause();
		this.#buffer = "";
		this.onclose?.();
	}

	readonly #onError = (error: Error) => this.onerror?.(error);

	readonly #onData = (chunk: string) => {
		this.#buffer += chunk;
		for (
			let end = this.#buffer.indexOf("\n");
			end !== -1;
			end = this.#buffer.indexOf("\n")
		) {
			const line = this.#buffer.slice(0, end).replace(/\r$/, "");
			this.#buffer = this.#buffer.slice(end + 1);
			this.#line(line);
		}
		if (this.#buffer.length > MAX_LINE) {
			this.#buffer = "";
			this.#refuse(
				null,
				-32600,
				`Invalid Request: a line of more than ${MAX_LINE} bytes`,
			);
		}
	};

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
			this.onmessage?.(message.data);
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

/** The id of a request that is otherwise invalid, when it is one a client can match (string or integer). */
function idOf(value: unknown): string | number | null {
	const id = (value as { id?: unknown } | null)?.id;
	return typeof id === "string" || Number.isInteger(id)
		? (id as string | number)
		: null;
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
