// A thread a script made with the library on `weft dev`'s SQLite file is listed by threads.search and
// counted by threads.count (decision 0236): the suite is library-threads-suite.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { openSqliteRecords, serve } from "../src/index.ts";
import { review } from "./fixtures/graphs.ts";
import { libraryThreadsSuite } from "./fixtures/library-threads-suite.ts";

libraryThreadsSuite("library-made threads on SQLite", async () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-library-threads-"));
	const path = join(dir, "weft.db");
	const checkpointer = new SqliteCheckpointer({ path });
	const records = await openSqliteRecords(path);
	const server = await serve({
		graphs: { review },
		checkpointer,
		records,
		port: 0,
	});
	// the script's own connection to the same file
	const library = new SqliteCheckpointer({ path });
	return {
		url: `http://127.0.0.1:${server.port}`,
		library,
		close: async () => {
			await server.close();
			await records.close();
			library.close();
			checkpointer.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
});
