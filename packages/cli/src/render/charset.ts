/**
 * Output for a terminal whose locale is not UTF-8 (`LC_ALL=en_US.ISO-8859-1`, `LANG=de_DE`): the UTF-8 bytes
 * of box drawing, arrows and dots would show as garbage there (`â”€`), so human output is written in
 * ASCII: each drawing character becomes one ASCII character of the same width (tables stay aligned), and
 * any other character outside ASCII a `?`, as C-locale programs show what they cannot print.
 */

/**
 * The locale's character set is UTF-8: the first of LC_ALL, LC_CTYPE, LANG that is set says. None set, or
 * the C/POSIX locale (what containers and CI machines default to, whose terminals are UTF-8: Python too
 * reads it as UTF-8, PEP 538), counts as UTF-8; a locale that names another character set does not.
 */
export function utf8Locale(env: NodeJS.ProcessEnv = process.env): boolean {
	const locale = env.LC_ALL || env.LC_CTYPE || env.LANG;
	return (
		locale === undefined ||
		locale === "" ||
		locale === "C" ||
		locale === "POSIX" ||
		/utf-?8/i.test(locale)
	);
}

const drawing: Record<string, string> = {
	"─": "-",
	"━": "-",
	"┄": "-",
	"═": "=",
	"│": "|",
	"║": "|",
	"┌": "+",
	"┐": "+",
	"└": "+",
	"┘": "+",
	"├": "+",
	"┤": "+",
	"┬": "+",
	"┴": "+",
	"┼": "+",
	"╭": "+",
	"╮": "+",
	"╰": "+",
	"╯": "+",
	"╔": "+",
	"╗": "+",
	"╚": "+",
	"╝": "+",
	"·": "-",
	"…": "~",
	"→": ">",
	"▶": ">",
	"–": "-",
	"—": "-",
	"✓": "v",
	"✗": "x",
	"⏸": "|",
};

/** `text` in ASCII: drawing characters by their look-alikes, anything else outside ASCII as `?`. */
export function toAscii(text: string): string {
	// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is everything above ASCII
	return text.replace(/[^\u0000-\u007f]/gu, (c) => drawing[c] ?? "?");
}

/**
 * On a locale that is not UTF-8, everything the CLI writes to stderr, and to stdout unless stdout carries
 * data (`--json`, the MCP protocol: kept as it is, for the program that reads it), goes through `toAscii`.
 */
export function asciiOutputUnlessUtf8(data: boolean): void {
	if (utf8Locale()) return;
	for (const stream of data
		? [process.stderr]
		: [process.stdout, process.stderr]) {
		const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
		stream.write = ((chunk: unknown, ...rest: unknown[]) =>
			write(
				typeof chunk === "string" ? toAscii(chunk) : chunk,
				...rest,
			)) as typeof stream.write;
	}
}
