// Writes a run's table, verdicts and a dated note into docs/benchmarks.md between marker comments.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TargetIssue } from "../headlines.ts";
import type { Row } from "./aggregate.ts";
import { num, ratio } from "./table.ts";

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
	const byId = new Map(rows.map((r) => [r.id, r]));
	const line = (r: Row) => {
		const weft =
			r.target?.weftMax !== undefined ? ` (Weft ${num(r.weft.median)})` : "";
		const floor = r.floor === undefined ? undefined : byId.get(r.floor);
		// a floor is read as the figure is judged: its own value against weftMax, its ratio against a ratio
		const floorReads =
			floor === undefined
				? ""
				: r.target?.ratio !== undefined
					? `${ratio(floor.ratio)} (${num(floor.weft.median)})`
					: num(floor.weft.median);
		const floorAbove =
			floor !== undefined &&
			((r.target?.weftMax !== undefined &&
				floor.weft.median > r.target.weftMax) ||
				(r.target?.ratio !== undefined && floor.ratio > r.target.ratio));
		const stops =
			floor === undefined
				? ""
				: floorAbove
					? `; its floor ${floor.id} reads ${floorReads}, above the target: the floor stops it on this machine`
					: `; its floor ${floor.id} reads ${floorReads}`;
		const compiled =
			r.compiled === undefined ? undefined : byId.get(r.compiled);
		const warm =
			compiled === undefined
				? ""
				: r.target?.ratio !== undefined
					? `; the same work compiled (${compiled.id}) reads ${ratio(compiled.ratio)}`
					: `; the same work compiled (${compiled.id}) reads ${num(compiled.weft.median)}`;
		// a target on every run, missed by one: the slowest Weft run against the fastest LangGraph.js run
		const everyRun = r.target?.everyRun
			? ` at the median, ${ratio(r.weft.max / r.langgraph.min)} in the slowest run (Weft ${num(r.weft.max)} against LangGraph.js's fastest ${num(r.langgraph.min)})`
			: "";
		return `- ${r.id} ${r.figure}: ${ratio(r.ratio)}${everyRun}${weft}${stops}${warm} (#${r.target?.issue})`;
	};
	const count = (issues: TargetIssue[], what: string) => {
		const of = judged.filter((r) => issues.includes(r.target!.issue));
		return `${what}: ${of.filter((r) => r.met).length} of ${of.length}`;
	};
	const missed = judged.filter((r) => !r.met);
	return [
		`**Targets met: ${judged.filter((r) => r.met).length} of ${judged.length}** (${count([17], "issue 17's")}; ${count([5, 7], "round 1's kept (issues 5, 7)")}; ${count([13], "issue 13's")}).`,
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
