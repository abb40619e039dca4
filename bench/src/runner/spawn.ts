// Runs one workload in a fresh node process and reads its one JSON line; a failed check makes it invalid.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Size } from "../sizes.ts";
import type { Engine, WorkloadId } from "../workloads.ts";
import { compiledHarness } from "./harness.ts";

const root = join(import.meta.dirname, "../../..");

export interface Line {
	workload: WorkloadId;
	engine: Engine;
	valid: boolean;
	weft_from?: "source" | "dist";
	params?: Record<string, unknown>;
	versions?: Record<string, string>;
	results: Record<string, unknown>;
	error?: string;
}

export interface SpawnOptions {
	size: Size;
	/** Run Weft from its TypeScript source (the @weft/source condition) instead of the built dist. */
	source: boolean;
	overrides?: Record<string, unknown>;
}

export function runWorkload(
	engine: Engine,
	workload: WorkloadId,
	o: SpawnOptions,
): Line {
	// Weft from dist: the harness compiled to JavaScript, under plain node (decision 0046); from source, tsx
	// loads the harness's .ts and Weft's (the @weft/source condition)
	const [args, entry] = o.source
		? [
				["--expose-gc", "--import", "tsx", "--conditions", "@weft/source"],
				join(import.meta.dirname, "../run-workload.ts"),
			]
		: [["--expose-gc"], join(compiledHarness(), "run-workload.js")];
	const res = spawnSync(
		process.execPath,
		[
			...args,
			entry,
			engine,
			workload,
			o.size,
			JSON.stringify(o.overrides ?? {}),
		],
		{
			cwd: root,
			encoding: "utf8",
			maxBuffer: 1 << 26,
			env: { ...process.env, NODE_OPTIONS: "" },
		},
	);
	const line = res.stdout.trim().split("\n").at(-1) ?? "";
	if (res.status !== 0 || !line.startsWith("{")) {
		const error =
			res.stderr
				.split("\n")
				.find(
					(l) => l.includes("workload check failed") || l.includes("Error"),
				) ?? `exit ${res.status}`;
		return { workload, engine, valid: false, results: {}, error: error.trim() };
	}
	return { ...(JSON.parse(line) as Omit<Line, "valid">), valid: true };
}
