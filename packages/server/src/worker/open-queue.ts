import { WeftError } from "@weft/checkpoint";
import type { ServerRecords } from "../records/server-records.ts";
import type { RunExecutor } from "../run-executor.ts";
import type { RunRecord, ThreadRegistry } from "../thread-registry.ts";

/** The queue executor of `weft serve` (loaded only when asked: it brings graphile-worker and pg). */
export async function openQueue(
	registry: ThreadRegistry,
	records: ServerRecords | undefined,
	stateOf: (run: RunRecord) => Promise<Record<string, unknown>>,
): Promise<RunExecutor> {
	const { PostgresRecords } = await import("../records/postgres-records.ts");
	if (!(records instanceof PostgresRecords))
		throw new WeftError(
			"CONFIG_INVALID",
			"queued runs need the server's records in Postgres",
			{ hint: "pass records: await openPostgresRecords(url) with queue: true" },
		);
	const { QueueRunManager } = await import("./queue-run-manager.ts");
	return QueueRunManager.open(registry, records, stateOf);
}
