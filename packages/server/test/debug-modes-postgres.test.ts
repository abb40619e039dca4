import { fileURLToPath } from "node:url";
import { it } from "vitest";
import { debugModesSuite } from "./fixtures/debug-modes-suite.ts";
import { postgresAvailable, serveWithWorker } from "./fixtures/processes.ts";

const graphs = fileURLToPath(
	new URL("./fixtures/debug-graphs.ts", import.meta.url),
);
const graphArgs = ["chain", "ask", "fan", "boom", "nest"].flatMap((g) => [
	"--graph",
	`${g}=${graphs}#${g}`,
]);

if (await postgresAvailable())
	debugModesSuite("weft serve + weft worker on Postgres", () =>
		serveWithWorker("weft_debug_modes", graphArgs, 2),
	);
else
	it.skip("the checkpoints, tasks and debug stream modes on Postgres (run with CI=true)", () => {});
