// Bundles the worker scripts from source (the `@weft/source` condition) into chaos/.cache, once per test
// run: a bundled worker starts in a fifth of the CPU time tsx needs, which is what lets the suite start
// a few hundred processes on a busy 2-core machine. Dependencies the sources load lazily through
// `createRequire` (superjson, lru-cache, immer) resolve from this package's node_modules.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const WORKERS = [
	"worker",
	"case-runner",
	"clock-skew",
	"retrieve-worker",
	"agent-worker",
] as const;
export type WorkerScript = (typeof WORKERS)[number];

const src = (name: string) =>
	fileURLToPath(new URL(`./${name}.ts`, import.meta.url));

/** Where the bundle of a script is. */
export const bundlePath = (name: WorkerScript) =>
	fileURLToPath(new URL(`../.cache/${name}.mjs`, import.meta.url));

export async function buildWorkers(): Promise<void> {
	await build({
		entryPoints: Object.fromEntries(WORKERS.map((w) => [w, src(w)])),
		bundle: true,
		platform: "node",
		format: "esm",
		target: "node20",
		conditions: ["@weft/source"],
		outdir: fileURLToPath(new URL("../.cache/", import.meta.url)),
		outExtension: { ".js": ".mjs" },
		external: ["better-sqlite3", "pg-native"],
		// CommonJS dependencies (pg) call require(): give the ESM bundle one
		banner: {
			js: 'import { createRequire as __weftRequire } from "node:module"; const require = __weftRequire(import.meta.url);',
		},
		logLevel: "error",
	});
}
