import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { openSqliteRecords, serve } from "../src/index.ts";
import { abc } from "./fixtures/audit-graphs.ts";
import { review } from "./fixtures/graphs.ts";
import { chatty, chattyNested, fanout } from "./fixtures/wire-graphs.ts";
import { wireParitySuite } from "./fixtures/wire-parity-suite.ts";

wireParitySuite("an in-process server on SQLite", async () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-parity-"));
	const checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	const server = await serve({
		graphs: { abc, review, fanout, chatty, chattyNested },
		checkpointer,
		records: await openSqliteRecords(join(dir, "weft.db")),
		port: 0,
	});
	return {
		url: `http://127.0.0.1:${server.port}`,
		close: async () => {
			await server.close();
			checkpointer.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
});
