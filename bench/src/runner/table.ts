// The ratio table, as Markdown (printed, and written into docs/benchmarks.md).
import type { Row, Stat } from "./aggregate.ts";

export function num(x: number): string {
	if (Number.isNaN(x)) return "–";
	const a = Math.abs(x);
	if (a >= 1000) return Math.round(x).toLocaleString("en");
	if (a >= 100) return x.toFixed(0);
	if (a >= 10) return x.toFixed(1);
	if (a >= 1) return x.toFixed(2);
	return x.toPrecision(2);
}

function cell(s: Stat): string {
	if (s.runs === 0) return "–";
	if (s.valid === 0) return "**invalid**";
	const range =
		s.valid > 1 && s.min !== s.max ? ` (${num(s.min)}–${num(s.max)})` : "";
	const bad =
		s.valid < s.runs ? ` ⚠ ${s.runs - s.valid} of ${s.runs} runs invalid` : "";
	return `${num(s.median)}${range}${bad}`;
}

export function ratio(r: number): string {
	if (!Number.isFinite(r)) return "–";
	return r < 1 ? `1/${num(1 / r)}` : `${num(r)}×`;
}

function target(row: Row): string {
	if (row.target === undefined) return "";
	const t: string[] = [];
	if (row.target.ratio !== undefined)
		t.push(
			`≤ 1/${Math.round(1 / row.target.ratio)}${row.target.everyRun ? " every run" : ""}`,
		);
	if (row.target.weftMax !== undefined) t.push(`Weft ≤ ${row.target.weftMax}`);
	return `${t.join(", ")} (#${row.target.issue})`;
}

export function table(rows: Row[]): string {
	return [
		"| id | figure | unit | Weft | LangGraph.js | Weft / LangGraph | target | met |",
		"| --- | --- | --- | ---: | ---: | ---: | ---: | :---: |",
		...rows.map(
			(r) =>
				`| ${r.id} | ${r.figure} | ${r.unit} | ${cell(r.weft)} | ${cell(r.langgraph)} | ${ratio(r.ratio)} | ${target(r)} | ${r.met === undefined ? "" : r.met ? "yes" : "**no**"} |`,
		),
	].join("\n");
}
