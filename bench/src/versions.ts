// Installed versions of what is measured, read from the packages' manifests.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const bench = join(import.meta.dirname, "..");

const PACKAGES = [
	"@weft/graph",
	"@weft/checkpoint",
	"@weft/checkpoint-sqlite",
	"@weft/checkpoint-postgres",
	"@langchain/langgraph",
	"@langchain/langgraph-checkpoint",
	"@langchain/langgraph-checkpoint-sqlite",
	"@langchain/langgraph-checkpoint-postgres",
	"@langchain/core",
	"better-sqlite3",
	"pg",
	"zod",
];

export function versions(): Record<string, string> {
	const out: Record<string, string> = { node: process.version };
	for (const name of PACKAGES) {
		try {
			const manifest = join(bench, "node_modules", name, "package.json");
			out[name] = (
				JSON.parse(readFileSync(manifest, "utf8")) as { version: string }
			).version;
		} catch {
			out[name] = "?";
		}
	}
	return out;
}

/** Whether `@weft/graph` resolves to its TypeScript source or to the built dist in this process. */
export const weftFrom = (): "source" | "dist" =>
	import.meta.resolve("@weft/graph").includes("/src/") ? "source" : "dist";
