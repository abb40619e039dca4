// The optional peers that only some apps use are loaded when used, never by importing Weft: an app
// without them installed still imports `@weft/graph` and `@weft/graph/llm` (the MCP SDK with
// `loadMcpTools`, OpenTelemetry's API once a provider is registered, decision 0014). A value import of
// the MCP SDK's error class once made `@weft/graph/llm` fail to load without it (the bench's cold start
// caught it).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../src/", import.meta.url));
const LAZY = ["@modelcontextprotocol/sdk", "@opentelemetry/api"];

/** Every static import (`import … from "x"`, `import "x"`, `export … from "x"`) that is not type-only. */
function valueImports(code: string): string[] {
	const out: string[] = [];
	const statement =
		/^(?:import|export)\s+(type\s)?[^;]*?from\s*["']([^"']+)["']|^import\s*["']([^"']+)["']/gms;
	for (const m of code.matchAll(statement))
		if (m[1] === undefined) out.push((m[2] ?? m[3])!);
	return out;
}

describe("optional peers", () => {
	it("no source file of @weft/graph imports the MCP SDK or OpenTelemetry's API as a value", () => {
		const found: string[] = [];
		for (const file of readdirSync(src, { recursive: true }) as string[]) {
			if (!file.endsWith(".ts")) continue;
			for (const spec of valueImports(readFileSync(join(src, file), "utf8")))
				if (LAZY.some((p) => spec === p || spec.startsWith(`${p}/`)))
					found.push(`${file}: ${spec}`);
		}
		expect(found).toEqual([]);
	});

	it("finds such an import where there is one", () => {
		expect(
			valueImports(
				'import type { A } from "@opentelemetry/api";\nimport {\n\tErrorCode,\n} from "@modelcontextprotocol/sdk/types.js";\nimport "@opentelemetry/api";',
			),
		).toEqual(["@modelcontextprotocol/sdk/types.js", "@opentelemetry/api"]);
	});
});
