import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { serve } from "../src/index.ts";
import { gated } from "./fixtures/gate-graphs.ts";
import { review } from "./fixtures/graphs.ts";
import { joinPastEndSuite } from "./fixtures/join-past-end-suite.ts";

joinPastEndSuite("joining past a run's newest event (SQLite)", async () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-server-"));
	const checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	const server = await serve({
		graphs: { review, gated },
		checkpointer,
		port: 0,
	});
	return {
		url: `http://127.0.0.1:${server.port}`,
		async close() {
			await server.close();
			checkpointer.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
});
