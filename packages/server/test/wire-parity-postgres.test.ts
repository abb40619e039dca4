import { fileURLToPath } from "node:url";
import { it } from "vitest";
import { postgresAvailable, serveWithWorker } from "./fixtures/processes.ts";
import { wireParitySuite } from "./fixtures/wire-parity-suite.ts";

const fixture = (file: string) =>
	fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
const graphArgs = [
	["abc", "audit-graphs.ts"],
	["review", "graphs.ts"],
	["fanout", "wire-graphs.ts"],
	["chatty", "wire-graphs.ts"],
	["chattyNested", "wire-graphs.ts"],
].flatMap(([g, file]) => ["--graph", `${g}=${fixture(file!)}#${g}`]);

if (await postgresAvailable())
	wireParitySuite("weft serve + weft worker on Postgres", () =>
		serveWithWorker("weft_parity", graphArgs, 2),
	);
else
	it.skip("the wire parity SDK cases on Postgres (run with CI=true)", () => {});
