import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { openSqliteRecords, serve } from "../src/index.ts";
import { abc, badMerge, boom, chat, nested } from "./fixtures/audit-graphs.ts";
import { review, slow } from "./fixtures/graphs.ts";
import { sdkAuditSuite } from "./fixtures/sdk-audit-suite.ts";

sdkAuditSuite("an in-process server on SQLite", async () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-audit-"));
	const checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	const server = await serve({
		graphs: { abc, badMerge, boom, chat, nested, review, slow },
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
