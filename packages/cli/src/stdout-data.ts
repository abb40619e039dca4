/** How the command's own data reaches stdout (replaced by `keepStdoutForData`). */
let dataWrite = (text: string): boolean => process.stdout.write(text);

/**
 * With `--json`, stdout carries the command's JSON only: from now on, whatever else writes there (a
 * graph's `console.log`, a library's raw `process.stdout.write`, when its module loads or a node runs)
 * goes to stderr, and the command writes its JSON with `writeData`.
 */
export function keepStdoutForData(): void {
	const write = process.stdout.write.bind(process.stdout);
	dataWrite = (text) => write(text);
	process.stdout.write = process.stderr.write.bind(
		process.stderr,
	) as typeof process.stdout.write;
}

/** Writes the command's own output (its JSON with `--json`) to stdout. */
export function writeData(text: string): boolean {
	return dataWrite(text);
}
