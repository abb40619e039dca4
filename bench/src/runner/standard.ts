// The standard set: every workload in fresh processes, interleaved round by round, then the ratio table.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SIZES } from "../sizes.ts";
import { ROUND } from "../workloads.ts";
import { aggregate, at } from "./aggregate.ts";
import { replaceRegion, resultsBlock } from "./docs.ts";
import { load, machine, youngMachineWarning } from "./machine.ts";
import { type Line, runWorkload } from "./spawn.ts";
import { table } from "./table.ts";

export interface StandardOptions {
	quick: boolean;
	weftOnly: boolean;
	source: boolean;
	/** How Weft was built for this run (recorded with the results). */
	build: string;
	runs: number;
}

const q = SIZES.quick;
const QUICK_SIZES = `W1 ${q.w1.plain}+${q.w1.saved} invocations, W2 ${q.w2.sends} Sends, W3 ${q.w3.loops} loops, W4 ${q.w4.loops} loops forked at #${q.w4.forkStep}, W5 ${q.w5.cycles} cycles`;

const log = (s: string) => process.stderr.write(`${s}\n`);

export function standard(o: StandardOptions): void {
	const size = o.quick ? "quick" : "standard";
	const lines: Line[] = [];
	const loads = [load()];
	// named as the run starts: its uptime is how settled the machine was when the first figure was timed
	const host = machine();
	const young = youngMachineWarning();
	if (young !== undefined) log(young);
	for (let r = 0; r < o.runs; r++) {
		for (const [engine, workload] of ROUND) {
			if (o.weftOnly && engine === "langgraph") continue;
			const t0 = performance.now();
			const overrides = workload === "w6" && o.weftOnly ? { peer: false } : {};
			const line = runWorkload(engine, workload, {
				size,
				source: o.source,
				overrides,
			});
			lines.push(line);
			log(
				`  run ${r + 1}/${o.runs}  ${engine.padEnd(9)} ${workload}  ${String(Math.round(performance.now() - t0)).padStart(6)} ms${line.valid ? "" : `  INVALID: ${line.error}`}`,
			);
		}
		loads.push(load());
	}

	// what running from the other form costs (W1a, W5 from TypeScript source vs built dist), one run each
	const other = o.source ? "dist" : "source";
	const compare = (["w1", "w5"] as const).map((w) =>
		runWorkload("weft", w, {
			size,
			source: !o.source,
			// only W1a is read here: no Postgres database for it
			overrides: w === "w1" ? { postgres: 0 } : {},
		}),
	);
	const fromOther = {
		from: other,
		w1_us_per_step_no_store: at(compare[0]!.results, "us_per_step_no_store"),
		w5_ms_per_cycle: at(compare[1]!.results, "ms_per_cycle"),
	};

	const rows = aggregate(lines);
	const weftFrom =
		lines.find((l) => l.engine === "weft" && l.valid)?.weft_from ??
		(o.source ? "source" : "dist");
	const versions = lines.find((l) => l.valid)?.versions ?? {};
	const w3 = lines.find(
		(l) => l.workload === "w3" && l.engine === "weft" && l.valid,
	);
	const w5 = lines.find(
		(l) => l.workload === "w5" && l.engine === "weft" && l.valid,
	);
	// W1p needs a Postgres server: without one the figure is skipped (the run stays valid) and said here
	const noPostgres = lines
		.filter((l) => l.workload === "w1" && l.valid)
		.map(
			(l) =>
				(l.results as { postgres?: { skipped?: string } }).postgres?.skipped,
		)
		.find((s) => s !== undefined);
	const date = new Date().toISOString();
	const heading = `Weft vs LangGraph.js, ${date.slice(0, 10)}: ${host} at its start, Node ${process.version}, ${o.runs} run(s) per workload${o.quick ? ` at --quick sizes (${QUICK_SIZES}; the figure names give the standard sizes)` : ""}, medians (min–max); 1-min load ${loads.join(" → ")}`;
	const notes = [
		`Weft ran from its ${weftFrom === "dist" ? "built dist (what users install)" : "TypeScript source (tsx, @weft/source)"}, build: ${o.build}; one run from ${other}: W1a ${fromOther.w1_us_per_step_no_store} µs, W5 ${fromOther.w5_ms_per_cycle} ms.`,
		`Versions: ${Object.entries(versions)
			.map(([k, v]) => `${k} ${v}`)
			.join(", ")}.`,
		`W3/W4 messages channel on Weft: ${String((w3?.results as { messages_channel?: string } | undefined)?.messages_channel ?? "?")}.`,
		`W5: the review node's body ran ${String(at(w5?.results, "review_body_runs_per_cycle") ?? "?")}× per cycle on Weft (an answered interrupt is replayed from the checkpoint; LangGraph.js also runs it twice).`,
		...(noPostgres === undefined ? [] : [`W1p skipped: ${noPostgres}.`]),
		...(young === undefined ? [] : [`${young}.`]),
	];
	const text = table(rows);
	process.stdout.write(`\n${heading}\n\n${text}\n\n`);
	for (const n of notes) process.stdout.write(`- ${n}\n`);

	// WEFT_BENCH_RESULTS: another directory for the JSON (the CI smoke test keeps the repository clean)
	const out =
		process.env.WEFT_BENCH_RESULTS ??
		join(import.meta.dirname, "../../results");
	mkdirSync(out, { recursive: true });
	const name = `latest${o.quick ? "-quick" : ""}${o.weftOnly ? "-weft-only" : ""}.json`;
	const json = {
		date,
		machine: host,
		loads,
		options: o,
		weft_from: weftFrom,
		versions,
		from_other: fromOther,
		rows,
		lines,
	};
	writeFileSync(join(out, name), `${JSON.stringify(json, null, "\t")}\n`);
	log(`wrote ${join(out, name)}`);
	if (!o.quick && !o.weftOnly) {
		replaceRegion("results", resultsBlock(`_${heading}._`, text, rows, notes));
		log("updated docs/benchmarks.md");
	}
	const invalid = lines.filter((l) => !l.valid).length;
	if (invalid > 0) {
		log(
			`${invalid} run(s) INVALID: their checks failed or they crashed (see above)`,
		);
		process.exitCode = 1;
	}
}
