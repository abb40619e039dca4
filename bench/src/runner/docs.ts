// Writes a run's table, verdicts and a dated note into docs/benchmarks.md between marker comments.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Row } from "./aggregate.ts";
import { ratio } from "./table.ts";

const doc = join(import.meta.dirname, "../../../docs/benchmarks.md");

/** Replaces the text between `<!-- name -->` and `<!-- /name -->`. */
export function replaceRegion(name: string, body: string): void {
	const before = readFileSync(doc, "utf8");
	const re = new RegExp(`<!-- ${name} -->[\\s\\S]*<!-- /${name} -->`);
	if (!re.test(before))
		throw new Error(`docs/benchmarks.md has no <!-- ${name} --> region`);
	writeFileSync(
		doc,
		before.replace(re, `<!-- ${name} -->\n${body}\n<!-- /${name} -->`),
	);
}

export function verdicts(rows: Row[]): string {
	const judged = rows.filter((r) => r.met !== undefined);
	const line = (r: Row) =>
		`- ${r.id} ${r.figure}: ${ratio(r.ratio)}${r.target?.weftMax !== undefined ? ` (Weft ${r.weft.median})` : ""}`;
	const met = judged.filter((r) => r.met);
	const missed = judged.filter((r) => !r.met);
	return [
		`**Targets met: ${met.length} of ${judged.length}.**`,
		...(missed.length ? ["", "Missed:", ...missed.map(line)] : []),
	].join("\n");
}

export function resultsBlock(
	heading: string,
	table: string,
	rows: Row[],
	notes: string[],
): string {
	return [
		heading,
		"",
		table,
		"",
		verdicts(rows),
		"",
		...notes.map((n) => `- ${n}`),
	].join("\n");
}
