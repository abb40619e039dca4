/** The most an MCP stdio message (one line) may hold, either way: the SDK's reader gives up past it. */
export const MAX_LINE = 10 * 1024 * 1024;
