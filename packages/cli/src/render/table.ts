import Table from "cli-table3";
import pc from "picocolors";

/** A plain table for the terminal. */
export function table(
	head: string[],
	rows: Array<Array<string | number>>,
): string {
	const t = new Table({
		head,
		style: pc.isColorSupported
			? { head: ["bold"], border: ["gray"] }
			: { head: [], border: [] },
		wordWrap: true,
	});
	for (const row of rows) t.push(row.map(String));
	return t.toString();
}
