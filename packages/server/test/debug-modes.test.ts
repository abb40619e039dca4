import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { debugModesSuite } from "./fixtures/debug-modes-suite.ts";
import { startWeft } from "./fixtures/weft-dev.ts";

const graphs = fileURLToPath(
	new URL("./fixtures/debug-graphs.ts", import.meta.url),
);

debugModesSuite("weft dev (SQLite)", async () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-debug-modes-"));
	const server = await startWeft([
		"--db",
		join(dir, "weft.db"),
		"dev",
		...["chain", "ask", "fan", "boom", "nest"].flatMap((g) => [
			"--graph",
			`${g}=${graphs}#${g}`,
		]),
		"--port",
		"0",
	]);
	return {
		url: server.url,
		close: async () => {
			await server.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
});
