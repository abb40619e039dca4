import Table from "cli-table3";
import pc from "picocolors";
import stringWidth from "string-width";
import { printableStyled } from "./printable.ts";
import { tableWidth } from "./terminal.ts";
import { longestWord, wrapWords } from "./wrap-cell.ts";

/**
 * How a column gives way on a narrow screen. `whole` (the default: ids, statuses, numbers, times) is never
 * broken; `words` (lists of names) wraps between its words, never inside one; `text` (free text: a request,
 * a comment) wraps between words, and a word longer than the column is broken.
 */
export type Fit = "whole" | "words" | "text";

/** A column heading, with how its cells give way (see `Fit`). */
export interface Column {
	name: string;
	fit: Fit;
}

/** A column of names (`a, b, c`): wraps between them on a narrow screen. */
export const words = (name: string): Column => ({ name, fit: "words" });
/** A column of free text: wraps, long words broken, on a narrow screen. */
export const text = (name: string): Column => ({ name, fit: "text" });

/** The narrowest a free-text column gets before the table turns into records. */
const TEXT_MIN = 16;

/**
 * A table that fits the terminal: columns keep their natural width while they fit; else the `words` and
 * `text` columns are narrowed (their cells wrapped, colour codes kept whole); and when even that does not
 * fit, each row is printed as a record of `name value` lines, so that no id, status or time is ever cut.
 * Piped output is not wrapped at all (ids stay whole for the next program).
 */
export function table(
	head: ReadonlyArray<string | Column>,
	rows: Array<Array<string | number>>,
	width = tableWidth(),
): string {
	const columns = head.map((h) =>
		typeof h === "string" ? { name: h, fit: "whole" as const } : h,
	);
	// data in a cell (a thread id made through the library) reaches the terminal without its escapes
	const cells = rows.map((r) => r.map((c) => printableStyled(String(c))));
	const lineWidths = (i: number, measure: (l: string) => number) =>
		Math.max(
			stringWidth(columns[i]!.name),
			...cells.map((r) =>
				Math.max(0, ...(r[i] ?? "").split("\n").map((l) => measure(l))),
			),
		);
	const natural = columns.map((_, i) => lineWidths(i, stringWidth) + 2);
	const room = width - (columns.length + 1);
	const least = columns.map((c, i) =>
		c.fit === "whole"
			? natural[i]!
			: c.fit === "words"
				? lineWidths(i, longestWord) + 2
				: Math.min(natural[i]!, Math.max(stringWidth(c.name), TEXT_MIN) + 2),
	);
	if (least.reduce((a, b) => a + b, 0) > room)
		return records(columns, cells, width);
	const widths = fit(natural, least, room);
	const t = new Table({
		head: columns.map((c) => c.name),
		colWidths: widths,
		style: pc.isColorSupported
			? { head: ["bold"], border: ["gray"] }
			: { head: [], border: [] },
		wordWrap: false,
	});
	for (const row of cells)
		t.push(
			row.map((cell, i) =>
				widths[i]! < natural[i]! ? wrapWords(cell, widths[i]! - 2) : cell,
			),
		);
	return t.toString();
}

/** Narrows the widest columns that may narrow until the sum fits `room` (none below its least width). */
function fit(natural: number[], least: number[], room: number): number[] {
	const widths = [...natural];
	let total = widths.reduce((a, b) => a + b, 0);
	while (total > room) {
		let widest = -1;
		for (let i = 0; i < widths.length; i++)
			if (
				widths[i]! > least[i]! &&
				(widest === -1 || widths[i]! > widths[widest]!)
			)
				widest = i;
		if (widest === -1) break;
		widths[widest]! -= 1;
		total -= 1;
	}
	return widths;
}

/**
 * Rows too wide for the screen as records, one `name value` line per column and a blank line between
 * rows; a value that does not fit beside its name goes whole on the next line, and free text wraps.
 */
function records(columns: Column[], cells: string[][], width: number): string {
	const key = Math.max(...columns.map((c) => stringWidth(c.name)));
	// no room for a value beside the names (a terminal of 20 columns): each value goes under its name
	const stacked = width - key - 2 < TEXT_MIN;
	const beside = stacked ? Math.max(width - 2, 1) : width - key - 2;
	return cells
		.map((row) =>
			columns
				.map((c, i) => {
					const name = pc.bold(c.name.padEnd(key));
					const value =
						c.fit === "whole"
							? (row[i] ?? "")
							: wrapWords(row[i] ?? "", beside);
					const lines = value.split("\n");
					if (
						stacked ||
						(c.fit === "whole" &&
							Math.max(...lines.map((l) => stringWidth(l))) > beside)
					)
						return [pc.bold(c.name), ...lines.map((l) => `  ${l}`)].join("\n");
					return `${name}  ${lines.join(`\n${" ".repeat(key + 2)}`)}`.trimEnd();
				})
				.join("\n"),
		)
		.join("\n\n");
}
