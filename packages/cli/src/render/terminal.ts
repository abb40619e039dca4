/**
 * What the terminal can take. Terminals that report 0 columns (a `script` session without a parent
 * terminal, some CI runners) get a sane width, never a division by zero or a wrap loop.
 */
export function columns(stream: NodeJS.WriteStream = process.stdout): number {
	const own = stream.columns;
	if (typeof own === "number" && own > 0) return own;
	const env = Number(process.env.COLUMNS);
	return Number.isInteger(env) && env > 0 ? env : 100;
}

/**
 * The width tables fit: the terminal's, or no limit when stdout is not a terminal (a pipe or a file
 * keeps whole lines: wrapping there only splits the ids people copy).
 */
export function tableWidth(
	stream: NodeJS.WriteStream = process.stdout,
): number {
	return stream.isTTY === true ? columns(stream) : Number.POSITIVE_INFINITY;
}

/**
 * A live display (a status line redrawn in place) is shown only on a real terminal that understands
 * cursor control: not in a pipe, not with TERM=dumb or NO_COLOR, not in CI.
 */
export function canRedraw(
	stream: NodeJS.WriteStream = process.stdout,
): boolean {
	return (
		stream.isTTY === true &&
		process.env.TERM !== "dumb" &&
		// NO_COLOR asks for no escape codes at all (docs/cli.md): a redrawn line is made of them
		(process.env.NO_COLOR === undefined || process.env.NO_COLOR === "") &&
		(process.env.CI === undefined || process.env.CI === "")
	);
}

/** "1 token", "2 tokens". */
export const plural = (n: number, word: string) =>
	`${n} ${word}${n === 1 ? "" : "s"}`;
