import { defineConfig } from "vitest/config";

const source = { conditions: ["@weft/source"] };

export default defineConfig({
	resolve: source,
	ssr: { resolve: source },
	test: {
		setupFiles: ["./test-setup/fail-on-console.ts"],
		// tests that start processes (CLI, crash recovery) need room on a busy 2-core machine
		testTimeout: 30_000,
		projects: [
			{
				extends: true,
				test: {
					name: "packages",
					include: [
						"packages/*/{src,test}/**/*.test.ts",
						"apps/*/{src,test}/**/*.test.ts",
					],
					typecheck: {
						enabled: true,
						include: ["packages/*/{src,test}/**/*.test-d.ts"],
						tsconfig: "./tsconfig.test.json",
					},
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
					globalSetup: ["./chaos/test/global-setup.ts"],
					testTimeout: 120_000,
				},
			},
		],
	},
});
