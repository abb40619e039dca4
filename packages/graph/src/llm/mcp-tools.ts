import type { StructuredToolInterface } from "@langchain/core/tools";
import { DynamicStructuredTool } from "@langchain/core/tools";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { unknownKey } from "@weft/checkpoint";
import { ConfigError, WeftError } from "../index.ts";
import { shown } from "../shown.ts";
import { invalidOption } from "./check-options.ts";
import {
	closeClient,
	closedOf,
	connectionFailed,
	connectMcp,
	type McpServerConfig,
	stderrNote,
	stderrOf,
} from "./mcp-client.ts";

export type { McpServerConfig } from "./mcp-client.ts";

export interface LoadMcpToolsOptions {
	/** Name tools `server__tool` (needed when two servers have a tool of the same name). Default false. */
	prefix?: boolean | undefined;
	/** How long connecting and listing may take per server (default 30 s). */
	timeoutMs?: number | undefined;
	/**
	 * How long one tool call may take before it fails `MCP_TOOL_FAILED` (default 60 s); a progress
	 * notification from the server starts the wait again.
	 */
	callTimeoutMs?: number | undefined;
	/**
	 * Closes every server when aborted (for example the signal of the run or app that owns them). Aborted
	 * before the tools have loaded, the load stops the servers it started and rejects with its reason.
	 */
	signal?: AbortSignal | undefined;
}

/** Tools loaded from MCP servers, and the connections to close when done. */
export interface McpToolset extends AsyncDisposable {
	/** `@langchain/core` tools: give them to `createAgent` or `toolNode` like any tool. */
	readonly tools: StructuredToolInterface[];
	/** Closes every connection (stdio servers are stopped). Idempotent. */
	close(): Promise<void>;
}

interface McpContent {
	type: string;
	text?: string;
	[key: string]: unknown;
}

/** The text a tool result becomes: its text parts, else its structured content or parts as JSON. */
function resultText(result: {
	content?: McpContent[];
	structuredContent?: unknown;
}): string {
	const parts = result.content ?? [];
	const texts = parts.flatMap((p) =>
		p.type === "text" && p.text !== undefined ? [p.text] : [],
	);
	if (texts.length > 0 && texts.length === parts.length)
		return texts.join("\n");
	if (result.structuredContent !== undefined)
		return JSON.stringify(result.structuredContent);
	return JSON.stringify(parts);
}

/** Every tool of a server, page by page; each page within `timeoutMs` (the SDK's own default is 60 s). */
async function listAll(
	client: Client,
	timeoutMs: number,
	signal?: AbortSignal,
) {
	const tools = [];
	let cursor: string | undefined;
	const request = {
		timeout: timeoutMs,
		...(signal === undefined ? {} : { signal }),
	};
	do {
		const page = await client.listTools(
			cursor === undefined ? {} : { cursor },
			request,
		);
		tools.push(...page.tools);
		cursor = page.nextCursor;
	} while (cursor !== undefined);
	return tools;
}

function toTool(
	server: string,
	client: Client,
	t: Awaited<ReturnType<typeof listAll>>[number],
	prefix: boolean,
	callTimeoutMs: number,
) {
	const name = prefix ? `${server}__${t.name}` : t.name;
	return new DynamicStructuredTool({
		name,
		description: t.description ?? `${t.name} (MCP server "${server}")`,
		schema: t.inputSchema as Record<string, unknown>,
		// bad arguments are answered with the schema paths at fault, as a zod tool's are
		verboseParsingErrors: true,
		metadata: { mcpServer: server, mcpTool: t.name, ...(t.annotations ?? {}) },
		func: async (args: Record<string, unknown>, _run, config) => {
			const gone = closedOf(client);
			if (gone !== undefined)
				throw closedConnection(server, t.name, client, gone);
			let result: Awaited<ReturnType<Client["callTool"]>>;
			try {
				result = await client.callTool(
					{ name: t.name, arguments: args },
					undefined,
					{
						timeout: callTimeoutMs,
						// a progress handler makes the request carry a progress token: without one the server
						// has nothing to report progress against, and the wait is never started again
						onprogress: () => {},
						resetTimeoutOnProgress: true,
						...(config?.signal === undefined ? {} : { signal: config.signal }),
					},
				);
			} catch (error) {
				throw callFailed(
					server,
					t.name,
					client,
					error,
					callTimeoutMs,
					config?.signal,
				);
			}
			const text = resultText(result as Parameters<typeof resultText>[0]);
			if (result.isError === true)
				throw new WeftError(
					"MCP_TOOL_FAILED",
					`MCP tool "${t.name}" on server "${server}" answered with an error: ${text}`,
					{
						hint: "the server refused the call; read its message",
					},
				);
			return text;
		},
	});
}

const RELOAD =
	"The server stopped (its stderr, if any, is above) or hung up, and the tool set does not start it again: close the set and load the tools again with loadMcpTools (a long-running process can do so when a call fails this way)";

/**
 * The MCP SDK's error code for a request it stopped waiting for (its `ErrorCode.RequestTimeout`): named
 * here, as the SDK is only loaded when servers are (importing it would weigh on every `@weft/graph/llm`).
 */
const REQUEST_TIMEOUT = -32001;

/** A call that failed: on the wire, or because the server or the set's owner closed the connection. */
function callFailed(
	server: string,
	tool: string,
	client: Client,
	error: unknown,
	callTimeoutMs: number,
	signal: AbortSignal | undefined,
): WeftError {
	const detail = error instanceof Error ? error.message : String(error);
	const at = `MCP tool "${tool}" on server "${server}" failed`;
	// the SDK says a cancel with its timeout's code: the caller's signal tells them apart
	if (signal?.aborted === true)
		return new WeftError(
			"MCP_TOOL_FAILED",
			`${at}: the call was cancelled by its signal (${detail})`,
			{
				hint: "whether the call took effect is unknown (the server was told to stop it)",
				cause: error,
			},
		);
	const stderr = stderrNote(stderrOf(client));
	const by = closedOf(client);
	if (by === "owner")
		return new WeftError(
			"MCP_TOOL_FAILED",
			`${at}: the tool set was closed during the call (${detail})`,
			{ hint: OWNER_CLOSED, cause: error },
		);
	if (by === "server")
		return new WeftError(
			"MCP_TOOL_FAILED",
			`${at}: server "${server}" closed its connection during the call (${detail})${stderr}`,
			{
				hint: `whether the call took effect is unknown. ${RELOAD}`,
				cause: error,
			},
		);
	if ((error as { code?: unknown } | null)?.code === REQUEST_TIMEOUT)
		return new WeftError(
			"MCP_TOOL_FAILED",
			`${at}: no answer within ${callTimeoutMs} ms (${detail})`,
			{
				hint: `whether the call took effect is unknown; for a tool that takes longer, pass loadMcpTools(servers, { callTimeoutMs }) (now ${callTimeoutMs} ms), or have the server send progress notifications`,
				cause: error,
			},
		);
	return new WeftError("MCP_TOOL_FAILED", `${at}: ${detail}${stderr}`, {
		hint: "check the server's log; the call may be retried",
		cause: error,
	});
}

const OWNER_CLOSED =
	"close the set (mcp.close(), or the signal given to loadMcpTools) only once the graph is done with its tools, or load them again with loadMcpTools";

/** A call of a tool whose connection is closed: by the server (it stopped) or by the set's owner. */
function closedConnection(
	server: string,
	tool: string,
	client: Client,
	by: "server" | "owner",
): WeftError {
	const at = `MCP tool "${tool}" on server "${server}" cannot be called`;
	return by === "server"
		? new WeftError(
				"MCP_TOOL_FAILED",
				`${at}: the server closed its connection${stderrNote(stderrOf(client))}`,
				{ hint: RELOAD },
			)
		: new WeftError("MCP_TOOL_FAILED", `${at}: the tool set was closed`, {
				hint: OWNER_CLOSED,
			});
}

/**
 * Connects to MCP servers (stdio commands or streamable HTTP URLs) and turns their tools into
 * `@langchain/core` tools (JSON-schema arguments, validated before the call). Scopes (`withScopes`) and
 * `approve` apply to them by name like to any tool. A server that cannot be reached fails the whole load
 * with `MCP_CONNECTION_FAILED` (and the others are closed). Close the set when the graph is done with it,
 * or let `await using` do it.
 * @example
 * await using mcp = await loadMcpTools({ files: { command: "npx", args: ["my-mcp-server"] } });
 * const agent = createAgent({ model, tools: mcp.tools, approve: ["delete_file"] });
 */
export async function loadMcpTools(
	servers: Record<string, McpServerConfig>,
	options: LoadMcpToolsOptions = {},
): Promise<McpToolset> {
	checkServers(servers);
	checkLoadOptions(options);
	const { signal } = options;
	// aborted already: nothing is started
	signal?.throwIfAborted();
	const timeoutMs = options.timeoutMs ?? 30_000;
	const callTimeoutMs = options.callTimeoutMs ?? 60_000;
	const clients = new Map<string, Client>();
	// one closing for every caller (close(), the signal, `await using`): each waits for the servers to stop
	let closing: Promise<void> | undefined;
	const close = () => {
		closing ??= (async () => {
			signal?.removeEventListener("abort", onAbort);
			await Promise.all(
				[...clients.values()].map((c) => closeClient(c).catch(() => {})),
			);
		})();
		return closing;
	};
	const onAbort = () => void close();
	const tools: DynamicStructuredTool[] = [];
	try {
		const entries = Object.entries(servers);
		// the signal aborts the handshakes and listings in flight (their servers are stopped below)
		const connected = await Promise.allSettled(
			entries.map(async ([name, config]) => {
				const client = await connectMcp(name, config, timeoutMs, signal);
				clients.set(name, client);
				try {
					return {
						name,
						client,
						list: await listAll(client, timeoutMs, signal),
					};
				} catch (error) {
					throw connectionFailed(name, config, error, stderrOf(client));
				}
			}),
		);
		signal?.throwIfAborted();
		const failed = connected.find((c) => c.status === "rejected");
		if (failed !== undefined) throw failed.reason;
		for (const c of connected)
			if (c.status === "fulfilled")
				for (const t of c.value.list)
					tools.push(
						toTool(
							c.value.name,
							c.value.client,
							t,
							options.prefix === true,
							callTimeoutMs,
						),
					);
		checkUnique(tools);
	} catch (error) {
		await close();
		// aborted while loading: the owner's reason, not a server's failure
		if (signal?.aborted) throw signal.reason;
		throw error;
	}
	signal?.addEventListener("abort", onAbort, { once: true });
	return { tools, close, [Symbol.asyncDispose]: close };
}

function checkUnique(tools: readonly DynamicStructuredTool[]): void {
	const seen = new Map<string, string>();
	for (const t of tools) {
		const server = String(t.metadata?.mcpServer);
		const other = seen.get(t.name);
		if (other !== undefined)
			throw new ConfigError(
				"CONFIG_INVALID",
				`MCP servers "${other}" and "${server}" both have a tool "${t.name}"`,
				{
					hint: "load them with { prefix: true } to name tools server__tool",
				},
			);
		seen.set(t.name, server);
	}
}

const OPTIONS = new Set(["prefix", "timeoutMs", "callTimeoutMs", "signal"]);

/** `loadMcpTools`'s options: known keys, times as positive whole milliseconds, before anything starts. */
function checkLoadOptions(options: unknown): void {
	if (options === null || typeof options !== "object" || Array.isArray(options))
		throw invalidOption(
			"loadMcpTools",
			`options must be an object, not ${shown(options)}`,
			"pass { prefix?, timeoutMs?, callTimeoutMs?, signal? }, or leave them out",
		);
	const stray = unknownKey(options, OPTIONS);
	if (stray !== undefined)
		throw invalidOption(
			"loadMcpTools",
			`unknown option ${JSON.stringify(stray.key)}`,
			stray.hint,
		);
	const o = options as LoadMcpToolsOptions;
	for (const key of ["timeoutMs", "callTimeoutMs"] as const) {
		const ms = o[key];
		if (ms !== undefined && !(Number.isSafeInteger(ms) && ms > 0))
			throw invalidOption(
				"loadMcpTools",
				`${key} must be a whole number of milliseconds above 0, not ${shown(ms)}`,
				`pass e.g. ${key}: 120_000 (2 minutes), or leave it out for the default`,
			);
	}
	if (o.prefix !== undefined && typeof o.prefix !== "boolean")
		throw invalidOption(
			"loadMcpTools",
			`prefix must be true or false, not ${shown(o.prefix)}`,
			"pass prefix: true to name tools server__tool",
		);
	if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
		throw invalidOption(
			"loadMcpTools",
			`signal must be an AbortSignal, not ${shown(o.signal)}`,
			"pass the signal of an AbortController (or of the run that owns the tools)",
		);
}

/** The servers' configs: each a `{ command }` (stdio) or a `{ url }` (HTTP), before anything is started. */
function checkServers(servers: unknown): void {
	const example =
		'pass { name: { command: "npx", args: ["-y", "some-mcp-server"] } } or { name: { url: "https://…/mcp" } }';
	if (servers === null || typeof servers !== "object" || Array.isArray(servers))
		throw new ConfigError(
			"CONFIG_INVALID",
			`loadMcpTools needs an object of servers by name, got ${servers === null ? "null" : Array.isArray(servers) ? "an array" : typeof servers}`,
			{ hint: example },
		);
	for (const [name, config] of Object.entries(servers)) {
		const c = config as { command?: unknown; url?: unknown } | null;
		const ok =
			c !== null &&
			typeof c === "object" &&
			(typeof c.command === "string"
				? c.command !== ""
				: typeof c.url === "string");
		if (!ok)
			throw new ConfigError(
				"CONFIG_INVALID",
				`MCP server "${name}" has neither a command (stdio) nor a url (HTTP)`,
				{ hint: example },
			);
	}
}
