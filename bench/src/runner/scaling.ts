// `pnpm bench --scaling`: W2 with 250…4000 Sends and W3 with 50…1000 loops, both engines, one fresh process
// per point; growth exponents fitted over the sweep; an SVG plot of each sweep in docs/.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loglogSlope, round } from "../stats.ts";
import type { Engine, WorkloadId } from "../workloads.ts";
import { at } from "./aggregate.ts";
import { replaceRegion } from "./docs.ts";
import { load, machine } from "./machine.ts";
import { type Panel, plot } from "./plot.ts";
import { runWorkload } from "./spawn.ts";
import { num } from "./table.ts";

interface Sweep {
	id: string;
	workload: WorkloadId;
	xs: number[];
	x: string;
	overrides: (x: number) => Record<string, unknown>;
	/** The target on Weft's fitted exponent, where there is one (W2: issue 17's ≤ 1.10; W3's bytes: issue 7's). */
	figures: { path: string; label: string; weftMaxExponent?: number }[];
}

const SWEEPS: Sweep[] = [
	{
		id: "w2",
		workload: "w2",
		xs: [250, 500, 1000, 2000, 4000],
		x: "Sends",
		// more invocations where they are cheap: ≈ 10,000 tasks per point, 3 to 20 invocations after 2 warm-ups
		overrides: (n) => ({
			sends: n,
			warmup: 2,
			runs: Math.min(20, Math.max(3, Math.round(10_000 / n))),
			store: false,
		}),
		figures: [
			{
				path: "no_store.median_ms",
				label: "ms per invocation, no store",
				weftMaxExponent: 1.1,
			},
		],
	},
	{
		id: "w3",
		workload: "w3",
		xs: [50, 100, 250, 500, 1000],
		x: "loops",
		overrides: (n) => ({ loops: n, sqlite: false }),
		figures: [
			{
				path: "memory.stored_bytes",
				label: "bytes stored (in-memory store)",
				weftMaxExponent: 1.1,
			},
			{ path: "memory.total_ms", label: "ms, in-memory store" },
		],
	},
];

const NAMES: Record<string, string> = {
	weft: "Weft",
	langgraph: "LangGraph.js",
};
const log = (s: string) => process.stderr.write(`${s}\n`);

export async function scaling(o: {
	weftOnly: boolean;
	/** Only these sweeps (w2, w3); all when empty. */
	sweeps: string[];
	source: boolean;
	build: string;
}): Promise<void> {
	const engines: Engine[] = o.weftOnly ? ["weft"] : ["weft", "langgraph"];
	const loads = [load()];
	const results: Record<
		string,
		{
			engine: Engine;
			x: number;
			valid: boolean;
			values: Record<string, number | undefined>;
		}[]
	> = {};
	const sweeps = SWEEPS.filter(
		(s) => o.sweeps.length === 0 || o.sweeps.includes(s.id),
	);
	// only a complete sweep (every size, both engines) replaces the plots, the results file and the docs
	const complete = !o.weftOnly && sweeps.length === SWEEPS.length;
	for (const s of sweeps) {
		results[s.id] = [];
		for (const x of s.xs) {
			for (const engine of engines) {
				const t0 = performance.now();
				const line = runWorkload(engine, s.workload, {
					size: "standard",
					source: o.source,
					overrides: s.overrides(x),
				});
				const values = Object.fromEntries(
					s.figures.map((f) => [f.path, at(line.results, f.path)]),
				);
				results[s.id]!.push({ engine, x, valid: line.valid, values });
				log(
					`  ${s.id} ${engine.padEnd(9)} ${s.x}=${x}  ${Math.round(performance.now() - t0)} ms${line.valid ? "" : `  INVALID: ${line.error}`}`,
				);
			}
		}
	}
	loads.push(load());

	const lines: string[] = [];
	const exponents: Record<string, Record<string, number>> = {};
	const verdicts: string[] = [];
	const docs = join(import.meta.dirname, "../../../docs");
	for (const s of sweeps) {
		const pts = results[s.id]!.filter((p) => p.valid);
		lines.push(
			`| ${s.id.toUpperCase()} | ${s.x} | ${s.xs.join(" | ")} | growth exponent | local slopes |`,
			`| --- | --- |${s.xs.map(() => " ---: |").join("")} ---: | ---: |`,
		);
		const panels: Panel[] = [];
		for (const f of s.figures) {
			const points = [];
			for (const engine of engines) {
				const mine = pts.filter(
					(p) => p.engine === engine && p.values[f.path] !== undefined,
				);
				const k = round(
					loglogSlope(
						mine.map((p) => p.x),
						mine.map((p) => p.values[f.path]!),
					),
					2,
				);
				exponents[s.id] = { ...exponents[s.id], [`${engine} ${f.label}`]: k };
				if (engine === "weft" && f.weftMaxExponent !== undefined)
					verdicts.push(
						`- ${s.id.toUpperCase()} ${f.label}: Weft's growth exponent ${num(k)}, target ≤ ${f.weftMaxExponent}: ${k <= f.weftMaxExponent ? "met" : "**missed**"}`,
					);
				const cells = s.xs.map((x) => {
					const v = mine.find((p) => p.x === x)?.values[f.path];
					return v === undefined ? "invalid" : num(v);
				});
				// the slope between neighbouring sizes: where the growth bends
				const local = mine
					.slice(1)
					.map((p, i) =>
						loglogSlope(
							[mine[i]!.x, p.x],
							[mine[i]!.values[f.path]!, p.values[f.path]!],
						).toFixed(2),
					);
				lines.push(
					`| ${NAMES[engine]} | ${f.label} | ${cells.join(" | ")} | ${num(k)} | ${local.join(", ")} |`,
				);
				points.push(
					...mine.map((p) => ({
						engine: NAMES[engine]!,
						x: p.x,
						y: p.values[f.path]!,
					})),
				);
			}
			panels.push({
				title: f.label,
				x: s.x,
				y: f.label.split(",")[0]!,
				points,
			});
		}
		lines.push("");
		if (complete)
			await plot(
				join(docs, `scaling-${s.id}.svg`),
				`${s.id.toUpperCase()} scaling (log-log)`,
				panels,
			);
	}
	const heading = `_Scaling sweeps, ${new Date().toISOString().slice(0, 10)}: ${machine()}, Node ${process.version}, Weft from ${o.build}, one process per point (W2: median of 3–20 invocations after 2 warm-ups); growth exponent = least-squares slope of log(figure) on log(size) over the sweep, local slopes between neighbouring sizes; 1-min load ${loads.join(" → ")}._`;
	const text = [
		heading,
		"",
		...lines,
		...verdicts,
		"",
		"![W2 scaling](scaling-w2.svg)",
		"",
		"![W3 scaling](scaling-w3.svg)",
	].join("\n");
	process.stdout.write(`\n${text}\n`);
	const out = join(import.meta.dirname, "../../results");
	mkdirSync(out, { recursive: true });
	writeFileSync(
		join(out, "scaling.json"),
		`${JSON.stringify({ date: new Date().toISOString(), machine: machine(), loads, exponents, results }, null, "\t")}\n`,
	);
	if (!o.weftOnly && sweeps.length === SWEEPS.length)
		replaceRegion("scaling", text);
	log(
		complete
			? "wrote bench/results/scaling.json, docs/scaling-*.svg and docs/benchmarks.md"
			: "wrote bench/results/scaling-partial.json",
	);
}
