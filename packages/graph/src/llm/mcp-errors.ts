import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { ValidationIssue } from "@weft/checkpoint";
import { ValidationError, WeftError } from "../index.ts";
import {
	closedOf,
	type McpCall,
	overflowOf,
	stderrNote,
	stderrOf,
} from "./mcp-client.ts";

// The errors of a tool call: MCP_TOOL_FAILED saying what went wrong and what to do, by cause.

const RELOAD =
	"The server stopped (its stderr, if any, is above) or hung up, and the tool set does not start it again: close the set and load the tools again with loadMcpTools (a long-running process can do so when a call fails this way)";

const RELOAD_HTTP =
	"The server stopped or hung up: once it runs again, close the set and load the tools again with loadMcpTools (a long-running process can do so when a call fails this way)";

const OWNER_CLOSED =
	"close the set (mcp.close(), or the signal given to loadMcpTools) only once the graph is done with its tools, or load them again with loadMcpTools";

/** What to do about an answer over `maxMessageBytes` (`limit`), which closed the connection. */
const tooBig = (limit: number) =>
	`have the tool answer less (a page of its results), or raise the limit with loadMcpTools(servers, { maxMessageBytes }) (now ${limit} bytes); the transport closed the connection and stopped the server, so close the set and load the tools again with loadMcpTools`;

/**
 * The MCP SDK's error code for a request it stopped waiting for (its `ErrorCode.RequestTimeout`): named
 * here, as the SDK is only loaded when servers are (importing it would weigh on every `@weft/graph/llm`).
 */
const REQUEST_TIMEOUT = -32001;

/** An error's message, with its cause's (fetch's "fetch failed" says why only in its cause). */
function detailOf(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	const cause = error.cause instanceof Error ? error.cause.message : undefined;
	return cause === undefined || cause === "" || error.message.includes(cause)
		? error.message
		: `${error.message}: ${cause}`;
}

/** Codes of a connection that was never made (the request did not reach the server). */
const UNREACHABLE = new Set([
	"ECONNREFUSED",
	"ENOTFOUND",
	"EAI_AGAIN",
	"EHOSTUNREACH",
	"ENETUNREACH",
]);

/** Whether a failed fetch never reached the server (fetch says why in its cause's code). */
const unreachable = (error: unknown): boolean =>
	UNREACHABLE.has(
		String((error as { cause?: { code?: unknown } } | null)?.cause?.code),
	);

/** A call that failed: on the wire, or because the server or the set's owner closed the connection. */
export function callFailed(
	server: string,
	tool: string,
	client: Client,
	error: unknown,
	callTimeoutMs: number,
	signal: AbortSignal | undefined,
	call: McpCall,
): WeftError {
	const detail = detailOf(error);
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
	const limit = overflowOf(client);
	if (limit !== undefined)
		return new WeftError(
			"MCP_TOOL_FAILED",
			`${at}: its answer was larger than maxMessageBytes (${limit} bytes)${stderr}`,
			{ hint: tooBig(limit), cause: error },
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
	if ("lost" in call) {
		// over HTTP: the request did not get through, or its answer's stream broke
		const lost = detailOf(call.lost);
		return !unreachable(call.lost)
			? new WeftError(
					"MCP_TOOL_FAILED",
					`${at}: the connection to server "${server}" broke during the call (${lost})`,
					{
						hint: `whether the call took effect is unknown. ${RELOAD_HTTP}`,
						cause: call.lost,
					},
				)
			: new WeftError(
					"MCP_TOOL_FAILED",
					`${at}: server "${server}" could not be reached (${lost})`,
					{
						hint: `the request did not reach the server. ${RELOAD_HTTP}`,
						cause: call.lost,
					},
				);
	}
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

/** A call of a tool whose connection is closed: by the server (it stopped) or by the set's owner. */
export function closedConnection(
	server: string,
	tool: string,
	client: Client,
	by: "server" | "owner",
): WeftError {
	const at = `MCP tool "${tool}" on server "${server}" cannot be called`;
	if (by === "owner")
		return new WeftError("MCP_TOOL_FAILED", `${at}: the tool set was closed`, {
			hint: OWNER_CLOSED,
		});
	const limit = overflowOf(client);
	return limit !== undefined
		? new WeftError(
				"MCP_TOOL_FAILED",
				`${at}: an answer of the server was larger than maxMessageBytes (${limit} bytes), and the connection was closed`,
				{ hint: tooBig(limit) },
			)
		: new WeftError(
				"MCP_TOOL_FAILED",
				`${at}: the server closed its connection${stderrNote(stderrOf(client))}`,
				{ hint: RELOAD },
			);
}

/**
 * Arguments the tool's JSON schema refused, before anything was sent (`@langchain/core` checks them and
 * throws its untyped ToolInputParsingException, whose message lists `#/location: problem` lines): a
 * ValidationError naming the tool, with an issue per problem at the argument it is about.
 */
export function argumentsRefused(
	server: string,
	tool: string,
	error: Error,
): ValidationError {
	const details = /\nDetails: ([\s\S]*)$/.exec(error.message)?.[1] ?? "";
	const issues: ValidationIssue[] = [];
	for (const line of details.split("\n")) {
		const m = /^#(\/[^:]*)?: (.*)$/.exec(line);
		if (m === undefined || m === null) continue;
		const steps = (m[1] ?? "").split("/").slice(1);
		const keyword = steps.at(-1) ?? "";
		// "Property "a" does not match schema." sums up the lines about "a" that follow
		if (keyword === "properties") continue;
		const path = steps.flatMap((step, i) =>
			steps[i - 1] === "properties" ? [step] : [],
		);
		const missing = /required property "([^"]*)"/.exec(m[2] ?? "")?.[1];
		issues.push({
			code: keyword,
			path:
				keyword === "required" && missing !== undefined
					? [...path, missing]
					: path,
			message: m[2] ?? line,
		});
	}
	return new ValidationError(
		`the arguments of MCP tool "${tool}" (server "${server}") do not fit its input schema${details === "" ? "" : `:\n${details}`}`,
		{
			issues,
			hint: "call it with arguments that match the tool's schema (tool.schema, the server's JSON schema); nothing was sent to the server",
			cause: error,
		},
	);
}
