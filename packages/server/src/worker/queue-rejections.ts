import { isConnectionLoss } from "@weft/checkpoint-postgres";

/**
 * graphile-worker 0.17 does not await its `completeJob` / `failJob` calls after a task: a connection lost
 * in that statement (a failover, `pg_terminate_backend`) rejects with nobody listening, and Node ends the
 * process on an unhandled rejection. Such a loss costs only the job's row, which stays locked until
 * graphile-worker's lock timeout frees it: the run it carried is already final in `weft_runs`, so that
 * later try finds it so and does nothing. While a worker runs, those rejections are reported instead;
 * any other unhandled rejection still ends the process, as Node's default does.
 */
let workers = 0;

function onUnhandledRejection(reason: unknown): void {
	if (!isQueueConnectionLoss(reason)) throw reason;
	process.stderr.write(
		`weft worker (queue): a job's completion was lost with its connection (${(reason as Error).message}); its run is final, the job will be retried as a no-op after graphile-worker's lock timeout\n`,
	);
}

/** A lost connection (decision 0147's one classification) that graphile-worker's own code was using. */
function isQueueConnectionLoss(reason: unknown): boolean {
	return (
		reason instanceof Error &&
		isConnectionLoss(reason) &&
		(reason.stack ?? "").includes("graphile-worker")
	);
}

/** Reports graphile-worker's lost completions while the returned function has not been called. */
export function reportQueueConnectionLoss(): () => void {
	if (workers++ === 0) process.on("unhandledRejection", onUnhandledRejection);
	let done = false;
	return () => {
		if (done) return;
		done = true;
		if (--workers === 0)
			process.off("unhandledRejection", onUnhandledRejection);
	};
}
