import type { Command } from "commander";

/** A mistake commander found in the command line: its words, and the command it was found in. */
export interface ParseMistake {
	message: string;
	command: string;
	/** The help commander prints for a command line that names no (sub)command: `weft`, `weft eval`. */
	help?: string;
}

/** `--json` anywhere before `--`: known before commander has parsed (or failed to parse) the line. */
export function wantsJson(argv: readonly string[]): boolean {
	const end = argv.indexOf("--");
	return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/**
 * Commander's complaints (unknown command or option, missing argument) are kept here instead of printed
 * with the help text, for main to print as every usage error: `error USAGE …` and a hint on stderr, or
 * `{ error: { code: "USAGE" } }` on stdout with --json. Help asked for (`--help`) still prints as usual.
 */
export function captureMistakes(
	program: Command,
	keep: (mistake: ParseMistake) => void,
): void {
	const visit = (c: Command, path: string) => {
		c.configureOutput({
			// with no error before it, what commander writes to stderr is the help of a missing command
			writeErr: (text) => keep({ message: "", command: path, help: text }),
			outputError: (text) =>
				keep({
					message: text.trim().replace(/^error:\s*/, ""),
					command: path,
				}),
		});
		for (const sub of c.commands) visit(sub, `${path} ${sub.name()}`);
	};
	visit(program, "weft");
}
