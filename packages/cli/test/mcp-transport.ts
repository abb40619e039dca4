import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { root, weftCommand } from "./run-cli.ts";

/**
 * The MCP SDK's stdio transport to a `weft mcp` process on the SQLite file `db`, serving `graphs`
 * (`name=module#export` each); `env` replaces the process's environment (the SDK's default otherwise).
 * The process's stderr is piped, for the test to read.
 */
export function weftMcpTransport(
	db: string,
	graphs: readonly string[],
	env?: Record<string, string>,
): StdioClientTransport {
	return new StdioClientTransport({
		command: weftCommand[0]!,
		args: [
			...weftCommand.slice(1),
			"--db",
			db,
			"mcp",
			...graphs.flatMap((g) => ["--graph", g]),
		],
		cwd: root,
		...(env === undefined ? {} : { env }),
		stderr: "pipe",
	});
}
