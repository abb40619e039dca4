import { fileURLToPath } from "node:url";
import { it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
} from "./fixtures/processes.ts";
import { wireGapsSuite } from "./fixtures/wire-gaps-suite.ts";

const fixture = (file: string) =>
	fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
const graphArgs = [
	["abc", "audit-graphs.ts"],
	["review", "graphs.ts"],
	["fanout", "wire-graphs.ts"],
].flatMap(([g, file]) => ["--graph", `${g}=${fixture(file!)}#${g}`]);

if (await postgresAvailable())
	wireGapsSuite("weft serve + weft worker on Postgres", async () => {
		const db = await freshDatabase("weft_wire");
		const api = await startProcess(
			["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
		);
		const worker = await startProcess(
			["worker", "--postgres", db.url, ...graphArgs, "--concurrency", "2"],
			/weft worker: ready/,
		);
		return {
			url: api.match[1]!,
			close: async () => {
				await worker.stop();
				await api.stop();
				await db.drop();
			},
		};
	});
else
	it.skip("the wire gaps' SDK cases on Postgres (run with CI=true)", () => {});
