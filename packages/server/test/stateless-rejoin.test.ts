import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { serve } from "../src/index.ts";
import { statelessRejoinSuite } from "./fixtures/stateless-rejoin-suite.ts";
import { steps } from "./fixtures/worker-graphs.ts";

statelessRejoinSuite(
	"a stateless streamed run whose connection drops just before its end (weft dev, SQLite)",
	async () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-stateless-rejoin-"));
		const checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
		const server = await serve({ graphs: { steps }, checkpointer, port: 0 });
		return {
			url: `http://127.0.0.1:${server.port}`,
			threadIds: async () =>
				(await checkpointer.listThreads()).map((t) => t.threadId),
			async close() {
				await server.close();
				checkpointer.close();
				rmSync(dir, { recursive: true, force: true });
			},
		};
	},
);
