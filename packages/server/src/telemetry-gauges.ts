// The server's OpenTelemetry gauges (issue 13): runs in flight, queue depth and lease age, read when the
// application's metric reader collects (nothing is polled, and nothing is read with no meter provider).
import {
	type BatchObservableCallback,
	type Meter,
	metrics,
	type Observable,
} from "@opentelemetry/api";
import { type Checkpointer, threadLeaseOf } from "@weft/checkpoint";
import type pg from "pg";
import type { ThreadRegistry } from "./thread-registry.ts";

/** The instrumentation scope of the server's metrics. */
export const SERVER_SCOPE = "@weft/server";

/** What the gauges report at one collection. */
export interface ServerLoad {
	/** Runs executing now (`running`), by graph. */
	running: Map<string, number>;
	/** Runs waiting to start (`pending`: queued, or behind another run of their thread), by graph. */
	pending: Map<string, number>;
	/** Running runs, oldest first: the thread and how long ago (s) the run started, holding its lease. */
	oldest: Array<{ threadId: string; ageS: number }>;
}

/** Where the gauges read the server's load. */
export type ServerLoadSource = () => Promise<ServerLoad>;

/** The load of `weft dev`'s in-process runs, from the thread registry. */
export function registryLoad(registry: ThreadRegistry): ServerLoadSource {
	return async () => {
		const load: ServerLoad = {
			running: new Map(),
			pending: new Map(),
			oldest: [],
		};
		const now = Date.now();
		for (const r of registry.runs.values()) {
			if (r.status !== "running" && r.status !== "pending") continue;
			const by = r.status === "running" ? load.running : load.pending;
			by.set(r.graphId, (by.get(r.graphId) ?? 0) + 1);
			// a run's updatedAt is when it last changed status: for a running run, when it started
			if (r.status === "running")
				load.oldest.push({
					threadId: r.threadId,
					ageS: Math.max(0, now - Date.parse(r.updatedAt)) / 1000,
				});
		}
		load.oldest.sort((a, b) => b.ageS - a.ageS);
		return load;
	};
}

/** The load of `weft serve` and `weft worker`: every process's runs, from the records in Postgres. */
export function postgresLoad(pool: pg.Pool): ServerLoadSource {
	return async () => {
		const load: ServerLoad = {
			running: new Map(),
			pending: new Map(),
			oldest: [],
		};
		const counts = await pool.query<{
			graph: string | null;
			status: string;
			n: string;
		}>(
			`SELECT body->>'graphId' AS graph, status, count(*) AS n FROM weft_server.runs
			WHERE status IN ('pending', 'running') GROUP BY 1, 2`,
		);
		for (const row of counts.rows)
			(row.status === "running" ? load.running : load.pending).set(
				row.graph ?? "",
				Number(row.n),
			);
		const oldest = await pool.query<{ thread_id: string; age_s: number }>(
			`SELECT thread_id, extract(epoch FROM now() - claimed_at)::float8 AS age_s
			FROM weft_server.runs WHERE status = 'running' AND claimed_at IS NOT NULL
			ORDER BY claimed_at LIMIT 10`,
		);
		load.oldest = oldest.rows.map((r) => ({
			threadId: r.thread_id,
			ageS: Math.max(0, r.age_s),
		}));
		return load;
	};
}

/**
 * Registers the gauges on the global meter provider (with none registered, on a noop meter: the source
 * is never read):
 * - `weft.server.runs.in_flight` ({run}, by `weft.graph`): runs executing now;
 * - `weft.server.queue.depth` ({run}, by `weft.graph`): runs waiting to start;
 * - `weft.server.lease.age` (s): how long the oldest thread lease held now has been held (0 when none is).
 *
 * A lease counts while its run is running and the checkpointer still shows it unexpired (a worker that
 * died leaves its run marked running until the sweep requeues it; its lapsed lease is not counted).
 * Returns the function that unregisters them.
 */
export function watchServerLoad(
	source: ServerLoadSource,
	checkpointer: Checkpointer,
	meter: Meter = metrics.getMeter(SERVER_SCOPE),
): () => void {
	const inFlight = meter.createObservableGauge("weft.server.runs.in_flight", {
		unit: "{run}",
		description: "Runs executing now",
	});
	const depth = meter.createObservableGauge("weft.server.queue.depth", {
		unit: "{run}",
		description: "Runs waiting to start (queued, or behind their thread's run)",
	});
	const leaseAge = meter.createObservableGauge("weft.server.lease.age", {
		unit: "s",
		description: "How long the oldest thread lease held now has been held",
	});
	const observables: Observable[] = [inFlight, depth, leaseAge];
	// a graph seen once is reported from then on (0 when idle): with cumulative temporality the SDK keeps
	// repeating the last value of a series that is no longer observed
	const graphs = new Set<string>();
	const callback: BatchObservableCallback = async (result) => {
		const load = await source();
		for (const g of [...load.running.keys(), ...load.pending.keys()])
			graphs.add(g);
		for (const graph of graphs) {
			const a = { "weft.graph": graph };
			result.observe(inFlight, load.running.get(graph) ?? 0, a);
			result.observe(depth, load.pending.get(graph) ?? 0, a);
		}
		result.observe(leaseAge, await heldAge(load.oldest, checkpointer));
	};
	meter.addBatchObservableCallback(callback, observables);
	return () => meter.removeBatchObservableCallback(callback, observables);
}

/** The age of the oldest run whose thread lease is still held (0 when none is). */
async function heldAge(
	oldest: ServerLoad["oldest"],
	checkpointer: Checkpointer,
): Promise<number> {
	const now = Date.now();
	for (const { threadId, ageS } of oldest) {
		const lease = (await threadLeaseOf(checkpointer, threadId))?.lease;
		if (lease != null && Date.parse(lease.expiresAt) > now) return ageS;
	}
	return 0;
}

/** The load source of an app: the records in Postgres when its runs are queued, else its registry. */
export function appLoad(
	registry: ThreadRegistry,
	queued: boolean,
): ServerLoadSource {
	const records = registry.records as { pool?: pg.Pool } | undefined;
	return queued && records?.pool !== undefined
		? postgresLoad(records.pool)
		: registryLoad(registry);
}
