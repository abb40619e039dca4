// Medians and ranges of each headline over the runs, the ratio Weft / LangGraph.js, and the target verdict.
import { HEADLINES, type Headline } from "../headlines.ts";
import { median } from "../stats.ts";
import type { Line } from "./spawn.ts";

export interface Stat {
	median: number;
	min: number;
	max: number;
	valid: number;
	runs: number;
}

export interface Row extends Headline {
	weft: Stat;
	langgraph: Stat;
	ratio: number;
	met: boolean | undefined;
}

/** The number at a dotted path of a result, if there is one. */
export function at(results: unknown, path: string): number | undefined {
	let v = results;
	for (const p of path.split("."))
		v = (v as Record<string, unknown> | undefined)?.[p];
	return typeof v === "number" ? v : undefined;
}

function stat(lines: Line[], path: string): Stat {
	// a run counts if it failed, or if it has this figure (W6 without the peer has no LangGraph figures)
	const values = lines.map((l) => (l.valid ? at(l.results, path) : undefined));
	const xs = values.filter((v): v is number => v !== undefined);
	return {
		median: median(xs),
		min: xs.length ? Math.min(...xs) : Number.NaN,
		max: xs.length ? Math.max(...xs) : Number.NaN,
		valid: xs.length,
		runs: lines.filter((l, i) => !l.valid || values[i] !== undefined).length,
	};
}

export function aggregate(lines: Line[]): Row[] {
	return HEADLINES.map((h) => {
		const of = (engine: "weft" | "langgraph") =>
			lines.filter(
				(l) =>
					l.workload === h.workload &&
					(l.engine === engine || l.engine === "both"),
			);
		const weft = stat(of("weft"), h.path.weft);
		const langgraph = stat(of("langgraph"), h.path.langgraph);
		const ratio = weft.median / langgraph.median;
		// "every run": the slowest Weft run against the fastest LangGraph.js run
		const judged = h.target?.everyRun ? weft.max / langgraph.min : ratio;
		const checks: boolean[] = [];
		if (h.target?.ratio !== undefined && !Number.isNaN(judged))
			checks.push(judged <= h.target.ratio);
		if (h.target?.weftMax !== undefined && !Number.isNaN(weft.median))
			checks.push(weft.median <= h.target.weftMax);
		const met = checks.length === 0 ? undefined : checks.every(Boolean);
		return { ...h, weft, langgraph, ratio, met };
	});
}
