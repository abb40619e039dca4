import pc from "picocolors";
import { writeData } from "../stdout-data.ts";
import { printableStyled } from "./printable.ts";

/** Writes to stdout: JSON for scripts (`--json`), text for people. */
export interface Output {
	readonly json: boolean;
	/** A result: printed as JSON with --json, else by `human`. */
	result(data: unknown, human: () => string): void;
	line(text?: string): void;
}

export function createOutput(json: boolean): Output {
	const write = (s: string) => writeData(s.endsWith("\n") ? s : `${s}\n`);
	return {
		json,
		// text for people: control characters from the data it shows are escaped, colours kept
		result: (data, human) =>
			write(json ? JSON.stringify(data, null, 2) : printableStyled(human())),
		line: (text = "") => {
			if (!json) write(printableStyled(text));
		},
	};
}

/** A line for people on stderr (a warning, a note, an error), the data's control characters escaped. */
export function stderrLine(text: string): void {
	process.stderr.write(`${printableStyled(text)}\n`);
}

/** The same on stdout, for a command's progress lines written as they come (not `Output`'s result). */
export function stdoutLine(text: string): void {
	process.stdout.write(`${printableStyled(text)}\n`);
}

/**
 * A cost cell: "–" when no call was priced, else the dollars, followed by how many calls had no price
 * (the figure leaves them out, so it is a lower bound).
 */
export function costCell(
	costUsd: number | null | undefined,
	unpricedCalls: number | undefined,
): string {
	if (costUsd === undefined || costUsd === null) return pc.dim("–");
	const usd = `$${costUsd.toFixed(6)}`;
	return unpricedCalls === undefined || unpricedCalls === 0
		? usd
		: `${usd} ${pc.yellow(`+ ${unpricedCalls} unpriced`)}`;
}

/** Short form of a checkpoint id (its random end), as `weft history` shows it and `--at` accepts it. */
export const shortId = (id: string) => id.slice(-12);

export const label = {
	status: (s: string) =>
		s === "done"
			? pc.green(s)
			: s === "interrupted"
				? pc.yellow(s)
				: s === "failed"
					? pc.red(s)
					: s === "running"
						? pc.cyan(s)
						: pc.dim(s),
	dim: pc.dim,
	bold: pc.bold,
};
