import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startProcess } from "./fixtures/processes.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));

describe("weft serve / weft worker without Postgres", () => {
	it.each(["serve", "worker"])(
		"weft %s refuses to start and says what to pass",
		async (command) => {
			const failed = await startProcess(
				[command, "--graph", `review=${graphs}#review`],
				/never printed/,
			).then(
				() => "",
				(error: Error) => error.message,
			);
			expect(failed).toMatch(/needs Postgres/);
			expect(failed).toMatch(/--postgres/);
		},
		30_000,
	);
});
