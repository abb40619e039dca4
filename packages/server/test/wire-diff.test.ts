import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startWeft } from "./fixtures/weft-dev.ts";
import { wireDiffSuite } from "./fixtures/wire-diff-suite.ts";

const fixture = (file: string) =>
	fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));

wireDiffSuite("weft dev on SQLite", async () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-wire-diff-"));
	const server = await startWeft([
		"--db",
		join(dir, "weft.db"),
		"dev",
		"--graph",
		`abc=${fixture("audit-graphs.ts")}#abc`,
		"--graph",
		`nested=${fixture("audit-graphs.ts")}#nested`,
		"--graph",
		`review=${fixture("graphs.ts")}#review`,
		"--graph",
		`reviewInside=${fixture("graphs.ts")}#reviewInside`,
		"--graph",
		`slow=${fixture("graphs.ts")}#slow`,
		"--port",
		"0",
	]);
	return {
		url: server.url,
		async close() {
			await server.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
});
