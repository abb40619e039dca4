import { it } from "vitest";
import { startWorker } from "../src/index.ts";
import type { PostgresRecords } from "../src/records/postgres-records.ts";
import { postgresAvailable } from "./fixtures/processes.ts";
import { queueServer } from "./fixtures/queue-server.ts";
import { statelessRejoinSuite } from "./fixtures/stateless-rejoin-suite.ts";
import { steps } from "./fixtures/worker-graphs.ts";

if (await postgresAvailable())
	statelessRejoinSuite(
		"a stateless streamed run whose connection drops just before its end (weft serve + worker, Postgres)",
		async () => {
			const graphs = { steps };
			const server = await queueServer("weft_stateless_rejoin", graphs);
			const worker = await startWorker({
				graphs,
				checkpointer: server.checkpointer,
				records: server.workerRecords as PostgresRecords,
			});
			return {
				url: server.url,
				threadIds: async () =>
					(await server.checkpointer.listThreads()).map((t) => t.threadId),
				async close() {
					await worker.close();
					await server.close();
				},
			};
		},
	);
else
	it.skip("a stateless streamed run rejoined after its end on Postgres (run with CI=true)", () => {});
