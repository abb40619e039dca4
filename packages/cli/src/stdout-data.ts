/** Where a command writes its own data: stdout, or stdout's own writer once others may not use it. */
export interface DataOutput {
	write(chunk: string): boolean;
	once(event: "drain" | "close" | "error", listener: () => void): unknown;
}

/** How the command's own data reaches stdout (replaced by `keepStdoutForData`). */
let dataWrite = (text: string): boolean => process.stdout.write(text);

/**
 * Keeps stdout for the command's own data (`--json` output, `weft mcp`'s messages): from now on, whatever
 * else writes there (a graph's `console.log`, a library's raw `process.stdout.write`, when its module
 * loads or a node runs) goes to stderr, and the command writes with `writeData` or the output returned.
 */
export function keepStdoutForData(): DataOutput {
	const stdout = process.stdout;
	const write = stdout.write.bind(stdout);
	dataWrite = (text) => write(text);
	stdout.write = process.stderr.write.bind(
		process.stderr,
	) as typeof stdout.write;
	return {
		write: (chunk) => write(chunk),
		once: (event, listener) => stdout.once(event, listener),
	};
}

/** Writes the command's own output (its JSON with `--json`) to stdout. */
export function writeData(text: string): boolean {
	return dataWrite(text);
}
