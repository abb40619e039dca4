import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointerConformance } from "@weft/checkpoint/conformance";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";

checkpointerConformance("sqlite file", async () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-sqlite-"));
	const checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	return {
		checkpointer,
		cleanup: async () => {
			await checkpointer.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
});

checkpointerConformance("sqlite :memory:", async () => ({
	checkpointer: new SqliteCheckpointer({ path: ":memory:" }),
}));
