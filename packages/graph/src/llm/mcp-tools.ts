import type { StructuredToolInterface } from "@langchain/core/tools";
import {
	DynamicStructuredTool,
	ToolInputParsingException,
} from "@langchain/core/tools";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WeftError } from "../index.ts";
import {
	closeClient,
	closedOf,
	connectionFailed,
	connectMcp,
	inCall,
	type McpCall,
	type McpServerConfig,
	stderrOf,
} from "./mcp-client.ts";
import {
	argumentsRefused,
	callFailed,
	closedConnection,
} from "./mcp-errors.ts";
import {
	checkLoadOptions,
	checkServers,
	checkUnique,
	type LoadMcpToolsOptions,
	toolName,
} from "./mcp-options.ts";

export type { McpServerConfig } from "./mcp-client.ts";
export type { LoadMcpToolsOptions } from "./mcp-options.ts";

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
	name: string,
	callTimeoutMs: number,
) {
	const tool = new DynamicStructuredTool({
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
			// over HTTP, a request of the call that fails or its answer's stream that breaks cuts it
			const call: McpCall = { cut: new AbortController(), settled: false };
			const signal =
				config?.signal === undefined
					? call.cut.signal
					: AbortSignal.any([config.signal, call.cut.signal]);
			try {
				result = await inCall(call, () =>
					client.callTool({ name: t.name, arguments: args }, undefined, {
						timeout: callTimeoutMs,
						// a progress handler makes the request carry a progress token: without one the server
						// has nothing to report progress against, and the wait is never started again
						onprogress: () => {},
						resetTimeoutOnProgress: true,
						signal,
					}),
				);
			} catch (error) {
				throw callFailed(
					server,
					t.name,
					client,
					error,
					callTimeoutMs,
					config?.signal,
					call,
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
	// arguments the schema refuses fail in `call`, before `func`: said as a WeftError like the call's failures
	const call = tool.call.bind(tool);
	tool.call = (async (arg, config, tags) => {
		try {
			return await call(arg, config, tags);
		} catch (error) {
			throw error instanceof ToolInputParsingException ||
				(error as Error | null)?.name === "ToolInputParsingException"
				? argumentsRefused(server, t.name, error as Error)
				: error;
		}
	}) as typeof tool.call;
	return tool;
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
	checkServers(
		servers,
		typeof options === "object" && options !== null ? options.prefix : false,
	);
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
				const client = await connectMcp(
					name,
					config,
					timeoutMs,
					options.maxMessageBytes ?? 10 * 1024 * 1024,
					signal,
				);
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
				for (const t of c.value.list) {
					const name = toolName(c.value.name, t.name, options);
					if (name !== null)
						tools.push(
							toTool(c.value.name, c.value.client, t, name, callTimeoutMs),
						);
				}
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
