import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer, SqliteStore } from "@weft/checkpoint-sqlite";
import { storeRoutesSuite } from "./fixtures/store-routes-suite.ts";

storeRoutesSuite("SQLite", async () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-store-routes-"));
	const path = join(dir, "weft.db");
	const checkpointer = new SqliteCheckpointer({ path });
	const store = new SqliteStore({ path });
	return {
		checkpointer,
		store,
		async close() {
			await store.close();
			checkpointer.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
});
