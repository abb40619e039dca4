// Bundles the worker scripts from source (the `@weft/source` condition) into chaos/.cache, once per test
// run: a bundled worker starts in a fifth of the CPU time tsx needs, which is what lets the suite start
// a few hundred processes on a busy 2-core machine. Dependencies the sources load lazily through
// `createRequire` (superjson, lru-cache, immer) resolve from this package's node_modules.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { SCRIPT_BUNDLE } from "../../test-setup/bundle-script.ts";

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
		...SCRIPT_BUNDLE,
		entryPoints: Object.fromEntries(WORKERS.map((w) => [w, src(w)])),
		outdir: fileURLToPath(new URL("../.cache/", import.meta.url)),
		outExtension: { ".js": ".mjs" },
	});
}
