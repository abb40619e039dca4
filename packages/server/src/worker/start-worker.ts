import type { WeftWorker, WorkerOptions } from "./worker.ts";

export type { WeftWorker, WorkerOptions };

/** Starts a worker pool on the server's Postgres records (`weft worker`); see `worker.ts`. */
export async function startWorker(options: WorkerOptions): Promise<WeftWorker> {
	const { startWorker: start } = await import("./worker.ts");
	return start(options);
}
