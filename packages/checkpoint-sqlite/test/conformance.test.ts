import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointerConformance } from "@weft/checkpoint/conformance";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { corruptSqlite } from "./corrupt-rows.ts";

checkpointerConformance("sqlite file", async () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-sqlite-"));
	const path = join(dir, "weft.db");
	const checkpointer = new SqliteCheckpointer({ path });
	return {
		checkpointer,
		corrupt: async (c) => corruptSqlite(path, c),
		cleanup: async () => {
			await checkpointer.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
});

checkpointerConformance("sqlite :memory:", async () => ({
	checkpointer: new SqliteCheckpointer({ path: ":memory:" }),
}));
