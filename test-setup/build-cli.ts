// Global setup: builds the packages (the CLI, what it loads, and what a graph module of the tests may
// import, @weft/models too; turbo: only what changed since the last build),
// so that the tests that start `weft` processes run the current code from its build (`weft-cli.ts`): a
// process started from the build takes a third of the CPU time one started from source through tsx does,
// and a few hundred are started (decision 0166).
import { execFileSync } from "node:child_process";
import { root } from "./weft-cli.ts";

let built = false;

export default function setup(): void {
	if (built) return;
	try {
		execFileSync(
			"pnpm",
			[
				"exec",
				"turbo",
				"run",
				"build",
				"--filter=./packages/*",
				"--output-logs=errors-only",
			],
			{ cwd: root, encoding: "utf8", stdio: "pipe" },
		);
	} catch (error) {
		const e = error as { stdout?: string; stderr?: string };
		throw new Error(
			`the CLI's build failed (pnpm exec turbo run build --filter=./packages/*):\n${e.stdout ?? ""}${e.stderr ?? ""}`,
		);
	}
	built = true;
}
