import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storeConformance } from "@weft/checkpoint/store-conformance";
import { SqliteStore } from "@weft/checkpoint-sqlite";

storeConformance("sqlite", async ({ index }) => {
	const dir = mkdtempSync(join(tmpdir(), "weft-store-"));
	return {
		store: new SqliteStore({ path: join(dir, "store.db"), index }),
		cleanup: async () => rmSync(dir, { recursive: true, force: true }),
	};
});
