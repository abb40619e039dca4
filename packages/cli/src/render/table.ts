import Table from "cli-table3";
import pc from "picocolors";
import stringWidth from "string-width";
import { tableWidth } from "./terminal.ts";
import { wrapCell } from "./wrap-cell.ts";

/**
 * A table that fits the terminal: columns keep their natural width while they fit, and the widest
 * ones are narrowed (their cells wrapped) until the table is no wider than the screen. Cells are
 * wrapped here, not by cli-table3, whose wrapping counts colour codes as text and cuts them apart.
 * Piped output is not wrapped at all (ids stay whole for the next program).
 */
export function table(
	head: string[],
	rows: Array<Array<string | number>>,
	width = tableWidth(),
): string {
	const cells = rows.map((r) => r.map(String));
	const natural = head.map(
		(h, i) =>
			Math.max(
				stringWidth(h),
				...cells.map((r) =>
					Math.max(0, ...(r[i] ?? "").split("\n").map((l) => stringWidth(l))),
				),
			) + 2,
	);
	const widths = fit(natural, width - (head.length + 1));
	const t = new Table({
		head: head.map((h, i) => wrapCell(h, widths[i]! - 2)),
		colWidths: widths,
		style: pc.isColorSupported
			? { head: ["bold"], border: ["gray"] }
			: { head: [], border: [] },
		wordWrap: false,
	});
	for (const row of cells)
		t.push(row.map((cell, i) => wrapCell(cell, widths[i]! - 2)));
	return t.toString();
}

/** Narrows the widest columns until the sum fits `room` (each keeps at least 6 columns). */
function fit(natural: number[], room: number): number[] {
	const widths = [...natural];
	let total = widths.reduce((a, b) => a + b, 0);
	while (total > room) {
		const widest = widths.indexOf(Math.max(...widths));
		if (widths[widest]! <= 6) break;
		widths[widest]! -= 1;
		total -= 1;
	}
	return widths;
}
