import { existsSync } from "node:fs";
import { dirname } from "node:path";

/**
 * How to type `weft` in a command printed for the user to copy: `pnpm weft` when this process was started
 * by a pnpm script named `weft` (a checkout, a project made by `weft init`: no `weft` on the PATH
 * there), `npx weft` when npx started it (a project that installed @weft/cli: no `weft` on the PATH
 * either; npm names what it ran, quoted, in npm_lifecycle_script), else `weft`.
 */
export const WEFT = invocation(process.env);

function invocation(env: NodeJS.ProcessEnv): string {
	if (
		env.npm_lifecycle_event === "weft" &&
		(env.npm_config_user_agent ?? "").startsWith("pnpm/")
	)
		return "pnpm weft";
	const ran = /^'?(weft|@weft\/cli)'?$/.exec(env.npm_lifecycle_script ?? "");
	if (env.npm_lifecycle_event === "npx" && ran !== null) return `npx ${ran[1]}`;
	return "weft";
}

/**
 * pnpm (and npm) run a script in its package's root and name the folder the command was typed in as
 * INIT_CWD. Under `pnpm weft …` the paths on the command line were typed from that folder: the CLI goes
 * there first, so they read as with a `weft` on the PATH (`--db`, modules, `@file`, `init <dir>`). Only
 * for the script named weft that pnpm just started here (its package.json's folder is ours): another
 * script's own paths, and processes that merely inherited the variables, keep their folder.
 */
export function enterTypedFolder(): void {
	const typedIn = process.env.INIT_CWD;
	const script = process.env.npm_package_json;
	if (
		process.env.npm_lifecycle_event !== "weft" ||
		typedIn === undefined ||
		typedIn === "" ||
		script === undefined ||
		dirname(script) !== process.cwd() ||
		!existsSync(typedIn)
	)
		return;
	process.chdir(typedIn);
}
