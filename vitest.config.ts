import { configDefaults, defineConfig } from "vitest/config";

const source = { conditions: ["@weft/source"] };

/** The packages whose tests run in process, without a module graph of their own per file (`unit`). */
const SHARED = [
	"checkpoint",
	"checkpoint-postgres",
	"checkpoint-sqlite",
	"evals",
	"graph",
	"models",
];

/**
 * Their files that set or read what a process holds once (OpenTelemetry's global providers and Weft's
 * counters, the serializable types' registry, environment variables, process listeners, the process's
 * memory figures, which count every worker thread's buffers): each keeps a module graph and a process of
 * its own, as every other package's test files do. A file sharing its worker with the
 * others (the `unit` project) must leave nothing of the kind behind; `vitest --sequence.shuffle` finds
 * one that does.
 */
const PROCESS_WIDE = [
	"packages/*/test/**/telemetry/**/*.test.ts",
	"packages/checkpoint/test/memory-prune-slabs.test.ts",
	"packages/checkpoint/test/register-type.test.ts",
	"packages/checkpoint/test/registry-copies.test.ts",
	"packages/checkpoint/test/serializer-readers.test.ts",
	"packages/graph/test/interrupts.test.ts",
	"packages/graph/test/llm/langchain-callbacks.test.ts",
	"packages/graph/test/optional-peers.test.ts",
	"packages/models/test/balancing-telemetry.test.ts",
	"packages/models/test/cache-write.test.ts",
	"packages/models/test/side-call-spans.test.ts",
	"packages/models/test/span-events-context.test.ts",
];

export default defineConfig({
	resolve: source,
	ssr: { resolve: source },
	test: {
		setupFiles: ["./test-setup/fail-on-console.ts"],
		// the CLI's build, which the tests that start `weft` processes run (decision 0166)
		globalSetup: ["./test-setup/build-cli.ts"],
		// tests that start processes (CLI, crash recovery) need room on a busy 2-core machine
		testTimeout: 30_000,
		// two files at a time (vitest's default on 2 cores is one): most of a file's time is spent waiting
		// on processes it started, Postgres or a browser, so two overlap well (20.5 → 14.3 min in all);
		// the chaos suite runs after the other projects (below)
		maxWorkers: 2,
		// `unit`'s worker threads are kept from file to file (vitest reads this option for the whole pool)
		poolOptions: { threads: { isolate: false } },
		projects: [
			{
				extends: true,
				// the in-process tests of the runtime, stores, models and evals run in two worker threads kept from
				// file to file, which import the module graph once: importing it again for each file in a process
				// of its own was most of their time (335 → 131 s for these 215 files)
				test: {
					name: "unit",
					include: SHARED.map((d) => `packages/${d}/{src,test}/**/*.test.ts`),
					exclude: [...configDefaults.exclude, ...PROCESS_WIDE],
					pool: "threads",
				},
			},
			{
				extends: true,
				test: {
					name: "packages",
					include: [
						"packages/{cli,server}/{src,test}/**/*.test.ts",
						"apps/*/{src,test}/**/*.test.ts",
						...PROCESS_WIDE,
					],
					// the type tests (`*.test-d.ts`, expectTypeOf) are checked by `pnpm typecheck` (tsconfig.test.json
					// includes them), which the README's test command runs first: vitest's own typecheck pass ran the
					// same tsc again (≈ 40 s of a 25-minute CI)
				},
			},
			{
				extends: true,
				test: { name: "examples", include: ["examples/**/*.test.ts"] },
			},
			{
				extends: true,
				test: { name: "bench", include: ["bench/test/**/*.test.ts"] },
			},
			{
				extends: true,
				// crashes, races, connection loss, clock skew and fuzzing with real processes (issue 10)
				test: {
					name: "chaos",
					include: ["chaos/test/**/*.test.ts"],
					globalSetup: [
						"./test-setup/build-cli.ts",
						"./chaos/test/global-setup.ts",
					],
					testTimeout: 120_000,
					// after every other project: its processes' kill timings share the machine only with its own
					sequence: { groupOrder: 1 },
				},
			},
		],
	},
});
