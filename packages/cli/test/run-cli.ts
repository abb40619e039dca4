import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
export const root = fileURLToPath(new URL("../../../", import.meta.url));

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
	json: any;
}

/** Runs `weft …` in its own process (on source) and returns its exit code and output. */
export function weft(
	args: string[],
	options: { cwd?: string; env?: Record<string, string> } = {},
): CliResult {
	const r = spawnSync(
		process.execPath,
		["--conditions", "@weft/source", "--import", "tsx", main, ...args],
		{
			cwd: options.cwd ?? root,
			encoding: "utf8",
			env: { ...process.env, NO_COLOR: "1", ...options.env },
			timeout: 60_000,
		},
	);
	let json: unknown;
	try {
		json = JSON.parse(r.stdout);
	} catch {
		json = undefined;
	}
	return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}
