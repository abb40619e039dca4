// `pnpm bench [--quick] [--weft-only] [--runs N] [--source | --built] [--scaling]`
//   (`--built`: measure the dist as it is, without building it first: the test run, which built it before
//   any test, must not have its files rewritten under the processes of other tests)
// `pnpm bench --server [--clients N] [--seconds S] [--turns T] [--workers 1,2,4] [--no-langgraph] [--no-kill] [--source]
//   [--s1-levels 1,4,16] [--s1-iterations 200] [--no-s1 | --s1-only]`
//   the server workload (bench/src/server/main.ts): SDK clients against langgraph dev, weft dev, weft serve +
//   workers, then S1 of WORKLOADS.md; Weft's processes run the built CLI, as deployed (`--source`: from
//   source through tsx).
//   the standard workloads of WORKLOADS.md for Weft and LangGraph.js, each run in a fresh node process,
//   interleaved; medians and the ratio table; JSON in bench/results/, the table in docs/benchmarks.md.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { scaling } from "./runner/scaling.ts";
import { standard } from "./runner/standard.ts";

const { values } = parseArgs({
	options: {
		quick: { type: "boolean", default: false },
		"weft-only": { type: "boolean", default: false },
		runs: { type: "string" },
		source: { type: "boolean", default: false },
		built: { type: "boolean", default: false },
		scaling: { type: "boolean", default: false },
		sweep: { type: "string", multiple: true },
		server: { type: "boolean", default: false },
		clients: { type: "string", default: "16" },
		seconds: { type: "string", default: "8" },
		turns: { type: "string", default: "3" },
		workers: { type: "string", default: "1,2,4" },
		concurrency: { type: "string" },
		"wait-runs": { type: "string", default: "20" },
		"no-langgraph": { type: "boolean", default: false },
		"no-kill": { type: "boolean", default: false },
		"no-async-commit": { type: "boolean", default: false },
		"no-write": { type: "boolean", default: false },
		"db-prefix": { type: "string", default: "srvbench" },
		// S1 (WORKLOADS.md): levels of clients and iterations a level; --no-s1 skips it, --s1-only runs it alone
		"s1-levels": { type: "string", default: "1,4,16" },
		"s1-iterations": { type: "string", default: "200" },
		"no-s1": { type: "boolean", default: false },
		"s1-only": { type: "boolean", default: false },
	},
});
if (values.server === true) {
	const { serverBench } = await import("./server/main.ts");
	await serverBench({
		clients: Number(values.clients),
		seconds: Number(values.seconds),
		turns: Number(values.turns),
		workers: values.workers!.split(",").map(Number),
		concurrency:
			values.concurrency === undefined ? undefined : Number(values.concurrency),
		waitRuns: Number(values["wait-runs"]),
		langgraph: values["no-langgraph"] !== true,
		killPhase: values["no-kill"] !== true,
		asyncCommitRow: values["no-async-commit"] !== true,
		dbPrefix: values["db-prefix"]!,
		write: values["no-write"] !== true,
		source: values.source === true,
		s1:
			values["no-s1"] === true
				? undefined
				: {
						levels: values["s1-levels"]!.split(",").map(Number),
						iterations: Number(values["s1-iterations"]),
					},
		s1Only: values["s1-only"] === true,
	});
	process.exit(0);
}
const root = join(import.meta.dirname, "../..");
const source = values.source === true;

let build = "source (not built)";
if (!source && values.built === true) {
	if (!existsSync(join(root, "packages/graph/dist/index.js"))) {
		process.stderr.write(
			"--built: packages/graph/dist is not there: run pnpm build first, or leave --built out\n",
		);
		process.exit(2);
	}
	build = "dist (built before the run)";
} else if (!source) {
	process.stderr.write(
		"building @weft/graph, @weft/checkpoint-sqlite and @weft/checkpoint-postgres (tsc -b, then the bundles of decision 0031): Weft runs from dist, as users get it\n",
	);
	let typeErrors = false;
	try {
		execFileSync(
			"pnpm",
			[
				"exec",
				"tsc",
				"-b",
				"packages/graph",
				"packages/checkpoint-sqlite",
				"packages/checkpoint-postgres",
			],
			{
				cwd: root,
				stdio: ["ignore", "inherit", "inherit"],
			},
		);
	} catch {
		typeErrors = true;
	}
	// @weft/checkpoint, @weft/graph and @weft/checkpoint-sqlite: tsc writes their declarations, esbuild
	// their JavaScript (it strips the types without checking them, so a type error still leaves
	// JavaScript to measure)
	for (const pkg of ["checkpoint", "graph", "checkpoint-sqlite"])
		execFileSync("node", ["../../scripts/bundle-dist.mjs"], {
			cwd: join(root, "packages", pkg),
			stdio: ["ignore", "inherit", "inherit"],
		});
	if (
		typeErrors &&
		!existsSync(join(root, "packages/checkpoint-sqlite/dist/index.js"))
	) {
		process.stderr.write(
			"the build failed and emitted nothing: fix it, or measure the source with --source\n",
		);
		process.exit(1);
	}
	build = typeErrors
		? "dist (tsc -b reported type errors; emitted JavaScript measured)"
		: "dist (tsc -b + bundles, clean)";
	if (typeErrors) process.stderr.write(`warning: ${build}\n`);
}

if (values.scaling === true) {
	await scaling({
		weftOnly: values["weft-only"] === true,
		sweeps: values.sweep ?? [],
		source,
		build,
	});
} else {
	standard({
		quick: values.quick === true,
		weftOnly: values["weft-only"] === true,
		source,
		build,
		runs: Number(values.runs ?? (values.quick === true ? 1 : 3)),
	});
}
