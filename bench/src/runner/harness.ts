// The bench's scripts as plain JavaScript (decision 0046): the measured processes run them with plain
// `node`, so no loader hook of tsx sits in a process whose memory and time are measured.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";

const bench = join(import.meta.dirname, "../..");
let compiled: string | undefined;

/** Writes bench/.build from bench/src (once per process, without type checking) and returns its directory. */
export function compiledHarness(): string {
	if (compiled === undefined) {
		const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
		execFileSync(
			process.execPath,
			[tsc, "-p", join(bench, "tsconfig.harness.json")],
			{ stdio: "inherit" },
		);
		compiled = join(bench, ".build");
	}
	return compiled;
}
