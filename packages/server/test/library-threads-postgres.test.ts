// A thread a script made with the library on `weft serve`'s Postgres database is listed by threads.search
// and counted by threads.count (decision 0236): the suite is library-threads-suite.ts. No worker: the
// suite runs nothing over HTTP.
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { it } from "vitest";
import { review } from "./fixtures/graphs.ts";
import { libraryThreadsSuite } from "./fixtures/library-threads-suite.ts";
import { postgresAvailable } from "./fixtures/processes.ts";
import { queueServer } from "./fixtures/queue-server.ts";

if (await postgresAvailable())
	libraryThreadsSuite(
		"library-made threads on Postgres (weft serve)",
		async () => {
			const server = await queueServer("weft_library_threads", { review });
			// the script's own connection to the same database
			const library = await PostgresCheckpointer.connect({
				connectionString: server.databaseUrl,
			});
			return {
				url: server.url,
				library,
				close: async () => {
					await library.close();
					await server.close();
				},
			};
		},
	);
else it.skip("library-made threads on Postgres (run with CI=true)", () => {});
