import type pg from "pg";
import { CANCEL_CHANNEL } from "../records/postgres-records.ts";
import { Listener } from "./listen.ts";

/**
 * What a worker hears of cancels: each `runs.cancel` notifies `CANCEL_CHANNEL` with the run's id, and the
 * run aborts if it executes here. A cancel sent while the listening connection was down is not heard, so
 * when it listens again the cancel flags of the runs here are read (again every half second while that
 * fails, up to ≈ 30 s): such a run went on to `success` before.
 */
export function listenForCancels(
	pool: pg.Pool,
	live: ReadonlyMap<string, { controller: AbortController }>,
	closed: () => boolean,
): Listener {
	const cancel = (runId: string) =>
		live.get(runId)?.controller.abort(new Error(`run ${runId} was cancelled`));
	const reread = (failures: number): void => {
		if (live.size === 0 || closed()) return;
		pool
			.query(
				"SELECT run_id FROM weft_server.runs WHERE run_id = ANY($1::text[]) AND cancel_requested",
				[[...live.keys()]],
			)
			.then(
				({ rows }) => {
					for (const r of rows as { run_id: string }[]) cancel(r.run_id);
				},
				() => {
					if (failures < 60)
						setTimeout(() => reread(failures + 1), 500).unref();
				},
			);
	};
	return new Listener(
		pool,
		[CANCEL_CHANNEL],
		(_c, runId) => cancel(runId),
		() => reread(0),
	);
}
