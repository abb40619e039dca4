import { it } from "vitest";
import { startWorker, type WeftWorker } from "../src/index.ts";
import type { PostgresRecords } from "../src/records/postgres-records.ts";
import { gated } from "./fixtures/gate-graphs.ts";
import { review } from "./fixtures/graphs.ts";
import { joinPastEndSuite } from "./fixtures/join-past-end-suite.ts";
import { postgresAvailable } from "./fixtures/processes.ts";
import { queueServer } from "./fixtures/queue-server.ts";

if (await postgresAvailable())
	joinPastEndSuite(
		"joining past a run's newest event (weft serve + worker, Postgres)",
		async () => {
			const graphs = { review, gated };
			const server = await queueServer("weft_join_past_end", graphs);
			const worker: WeftWorker = await startWorker({
				graphs,
				checkpointer: server.checkpointer,
				records: server.workerRecords as PostgresRecords,
			});
			return {
				url: server.url,
				async close() {
					await worker.close();
					await server.close();
				},
			};
		},
	);
else
	it.skip("joining past a run's newest event on Postgres (run with CI=true)", () => {});
