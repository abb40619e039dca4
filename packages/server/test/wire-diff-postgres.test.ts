import { fileURLToPath } from "node:url";
import { it } from "vitest";
import { postgresAvailable, serveWithWorker } from "./fixtures/processes.ts";
import { wireDiffSuite } from "./fixtures/wire-diff-suite.ts";

const fixture = (file: string) =>
	fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
const graphArgs = [
	["abc", "audit-graphs.ts"],
	["nested", "audit-graphs.ts"],
	["review", "graphs.ts"],
	["reviewInside", "graphs.ts"],
	["slow", "graphs.ts"],
].flatMap(([g, file]) => ["--graph", `${g}=${fixture(file!)}#${g}`]);

if (await postgresAvailable())
	wireDiffSuite("weft serve + weft worker on Postgres", () =>
		serveWithWorker("weft_wdiff", graphArgs, 2),
	);
else
	it.skip("the wire diff's SDK cases on Postgres (run with CI=true)", () => {});
