import { defineConfig } from "vitest/config";

const source = { conditions: ["@weft/source"] };

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
		projects: [
			{
				extends: true,
				test: {
					name: "packages",
					include: [
						"packages/*/{src,test}/**/*.test.ts",
						"apps/*/{src,test}/**/*.test.ts",
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
