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
			});
			// kept for the error message; never printed
			transport.stderr?.on("data", (chunk: Buffer) => {
				stderr = (stderr + chunk.toString()).slice(-4000);
			});
			stderrs.set(client, () => stderr);
			await client.connect(transport, request);
		} else {
			const transport = new http.StreamableHTTPClientTransport(
				new URL(config.url),
				config.headers === undefined
					? undefined
					: { requestInit: { headers: config.headers } },
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
