// A test's own script for a child process (TypeScript, on the source), bundled into one ESM file the first
// time a test process starts it: a bundled child starts in a fraction of the CPU time it takes through
// tsx, whose module hooks every import passes (decision 0166; the chaos suite's workers are bundled so
// too). The bundle sits in a `.cache` folder beside the script, so that what the sources load lazily
// through `createRequire` resolves from the script's package; `NODE_PATH` (`bundledEnv`) adds pnpm's
// store of every dependency for what the package itself does not depend on.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildOptions, buildSync } from "esbuild";

const made = new Map<string, string>();
const store = fileURLToPath(
	new URL("../node_modules/.pnpm/node_modules", import.meta.url),
);

const fromStore = createRequire(`${store}/`);

/** How a script of ours is bundled for a child process (here, and the chaos suite's workers). */
export const SCRIPT_BUNDLE = {
	bundle: true,
	platform: "node",
	format: "esm",
	target: "node20",
	conditions: ["@weft/source"],
	external: ["better-sqlite3", "pg-native"],
	// CommonJS dependencies call require(): give the ESM bundle one
	banner: {
		js: 'import { createRequire as __weftRequire } from "node:module"; const require = __weftRequire(import.meta.url);',
	},
	logLevel: "error",
} satisfies BuildOptions;

/** The bundle of `script` (built once per test process), for `node <bundle>`. */
export function bundledScript(script: string): string {
	const known = made.get(script);
	if (known !== undefined) return known;
	const out = join(dirname(script), ".cache", `${basename(script, ".ts")}.mjs`);
	// built apart and moved into place: another test process may be starting the one there
	const building = `${out}.${process.pid}.tmp`;
	buildSync({ ...SCRIPT_BUNDLE, entryPoints: [script], outfile: building });
	// a native addon is not bundled: imported by its absolute path (the script's package may not depend on
	// it, and an ESM import does not look in NODE_PATH)
	const addon = pathToFileURL(fromStore.resolve("better-sqlite3")).href;
	writeFileSync(
		building,
		readFileSync(building, "utf8").replaceAll(
			'from "better-sqlite3"',
			`from ${JSON.stringify(addon)}`,
		),
	);
	renameSync(building, out);
	made.set(script, out);
	return out;
}

/** The environment a bundled script runs in (see above). */
export function bundledEnv(
	env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
	return {
		...env,
		NODE_PATH: env.NODE_PATH ? `${store}:${env.NODE_PATH}` : store,
	};
}
