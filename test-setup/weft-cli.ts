// How tests start `weft` in a process of its own: from the CLI's build, as a user's installed `weft` runs,
// which `build-cli.ts` brings up to date before any test. A graph module the CLI loads (.ts) goes through
// tsx, which the CLI registers itself when it needs it. Test scripts of our own (.ts) run from source.
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("../", import.meta.url));

/** The built CLI's entry point. */
export const weftMain = fileURLToPath(
	new URL("../packages/cli/dist/main.js", import.meta.url),
);

/** The command line of `weft` (the built CLI). */
export const weftCommand = [process.execPath, weftMain];

// tsx by its path, so that a script outside the repository (a user's project) finds it too
const tsx = pathToFileURL(
	createRequire(import.meta.url)
		.resolve("tsx/package.json")
		.replace(/package\.json$/, "dist/loader.mjs"),
).href;

/** The command line that runs a TypeScript script of ours from source (append the script). */
export const sourceScriptCommand = [
	process.execPath,
	"--conditions",
	"@weft/source",
	"--import",
	tsx,
];
