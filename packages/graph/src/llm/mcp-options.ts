import type { DynamicStructuredTool } from "@langchain/core/tools";
import { unknownKey } from "@weft/checkpoint";
import { ConfigError } from "../index.ts";
import { shown } from "../shown.ts";
import { invalidOption, TOOL_NAME } from "./check-options.ts";

// Checks of loadMcpTools' servers, options and tool names, made before a server is started (names: once
// the servers have listed their tools).

export interface LoadMcpToolsOptions {
	/**
	 * Name tools `server__tool` (needed when two servers have a tool of the same name); the server's key
	 * must then be letters, digits, `_` and `-`. Default false.
	 */
	prefix?: boolean | undefined;
	/**
	 * The name to give each tool in place of its server's, or `null` to leave the tool out. Names must be
	 * 1 to 64 letters, digits, `_` and `-` (what OpenAI and Anthropic accept), prefix included: a server
	 * whose tools are named otherwise (`get.weather`) is refused unless they are renamed here.
	 * @example rename: (tool) => tool.replace(/[^\w-]/g, "_")
	 */
	rename?: ((tool: string, server: string) => string | null) | undefined;
	/** How long connecting and listing may take per server (default 30 s). */
	timeoutMs?: number | undefined;
	/**
	 * How long one tool call may take before it fails `MCP_TOOL_FAILED` (default 60 s); a progress
	 * notification from the server starts the wait again.
	 */
	callTimeoutMs?: number | undefined;
	/**
	 * The largest message a stdio server may send (default 10 MiB, the MCP SDK's): a larger answer fails
	 * its call `MCP_TOOL_FAILED` saying so, and the SDK's transport closes the connection.
	 */
	maxMessageBytes?: number | undefined;
	/**
	 * Closes every server when aborted (for example the signal of the run or app that owns them). Aborted
	 * before the tools have loaded, the load stops the servers it started and rejects with its reason.
	 */
	signal?: AbortSignal | undefined;
}

const RENAME_HINT =
	'rename it: loadMcpTools(servers, { rename: (tool, server) => tool.replace(/[^\\w-]/g, "_") }), or have rename return null to leave it out';

/**
 * The name the model sees for `tool` of `server`: renamed and prefixed as the options say, checked; `null`
 * when `rename` leaves the tool out.
 */
export function toolName(
	server: string,
	tool: string,
	options: LoadMcpToolsOptions,
): string | null {
	const renamed =
		options.rename === undefined ? tool : options.rename(tool, server);
	if (renamed === null) return null;
	const of = `MCP tool "${tool}" of server "${server}"`;
	if (typeof renamed !== "string")
		throw invalidOption(
			"loadMcpTools",
			`rename gave ${of} ${shown(renamed)}, not a name or null`,
			"have rename return the tool's new name (a string), or null to leave the tool out",
		);
	const name = options.prefix === true ? `${server}__${renamed}` : renamed;
	if (!TOOL_NAME.test(name))
		throw new ConfigError(
			"CONFIG_INVALID",
			`${of} would be named ${JSON.stringify(name)}, which model providers refuse: OpenAI and Anthropic take 1 to 64 letters, digits, _ and -`,
			{
				hint:
					name.length > 64 && TOOL_NAME.test(name.slice(0, 64))
						? `the name is ${name.length} characters: ${options.prefix === true ? "give the server a shorter key, or " : ""}${RENAME_HINT}`
						: RENAME_HINT,
			},
		);
	return name;
}

export function checkUnique(tools: readonly DynamicStructuredTool[]): void {
	const seen = new Map<string, string>();
	for (const t of tools) {
		const server = String(t.metadata?.mcpServer);
		const other = seen.get(t.name);
		if (other !== undefined)
			throw new ConfigError(
				"CONFIG_INVALID",
				other === server
					? `MCP server "${server}" would have two tools named "${t.name}" (${JSON.stringify(t.metadata?.mcpTool)} among them)`
					: `MCP servers "${other}" and "${server}" both have a tool "${t.name}"`,
				{
					hint:
						other === server
							? "have rename give them different names"
							: "load them with { prefix: true } to name tools server__tool, or give one another name with rename",
				},
			);
		seen.set(t.name, server);
	}
}

const OPTIONS = new Set([
	"prefix",
	"rename",
	"timeoutMs",
	"callTimeoutMs",
	"maxMessageBytes",
	"signal",
]);

/** `loadMcpTools`'s options: known keys, times as positive whole milliseconds, before anything starts. */
export function checkLoadOptions(options: unknown): void {
	if (options === null || typeof options !== "object" || Array.isArray(options))
		throw invalidOption(
			"loadMcpTools",
			`options must be an object, not ${shown(options)}`,
			"pass { prefix?, rename?, timeoutMs?, callTimeoutMs?, maxMessageBytes?, signal? }, or leave them out",
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
	const bytes = o.maxMessageBytes;
	if (bytes !== undefined && !(Number.isSafeInteger(bytes) && bytes > 0))
		throw invalidOption(
			"loadMcpTools",
			`maxMessageBytes must be a whole number of bytes above 0, not ${shown(bytes)}`,
			"pass e.g. maxMessageBytes: 32 * 1024 * 1024 (32 MiB), or leave it out for the default (10 MiB)",
		);
	if (o.prefix !== undefined && typeof o.prefix !== "boolean")
		throw invalidOption(
			"loadMcpTools",
			`prefix must be true or false, not ${shown(o.prefix)}`,
			"pass prefix: true to name tools server__tool",
		);
	if (o.rename !== undefined && typeof o.rename !== "function")
		throw invalidOption(
			"loadMcpTools",
			`rename must be a function, not ${shown(o.rename)}`,
			"pass rename: (tool, server) => newName (or null to leave the tool out)",
		);
	if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
		throw invalidOption(
			"loadMcpTools",
			`signal must be an AbortSignal, not ${shown(o.signal)}`,
			"pass the signal of an AbortController (or of the run that owns the tools)",
		);
}

/** A server key that prefixes tool names: what a tool name may hold, short enough to leave room. */
const PREFIX = /^[a-zA-Z0-9_-]{1,61}$/;

/**
 * The servers' configs: each a `{ command }` (stdio) or a `{ url }` (HTTP), and with `prefix` keys that
 * can start a tool's name, before anything is started.
 */
export function checkServers(servers: unknown, prefix: unknown): void {
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
		if (prefix === true && !PREFIX.test(name))
			throw new ConfigError(
				"CONFIG_INVALID",
				`MCP server key ${JSON.stringify(name)} cannot start tool names (with prefix: true, tools are named key__tool, and model providers take only letters, digits, _ and -, 64 at most)`,
				{
					hint: `name the server with 1 to 61 letters, digits, _ and - (e.g. ${JSON.stringify(name.replace(/[^\w-]/g, "_").slice(0, 61) || "server")})`,
				},
			);
	}
}
