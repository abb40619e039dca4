export { type AppOptions, createApp, type WeftApp } from "./app.ts";
export { bearerTokens, parseApiTokens } from "./bearer-auth.ts";
export type { Authenticate, AuthUser } from "./context.ts";
export type { CorsOptions } from "./cors.ts";
export { type HealthOptions, serveHealth } from "./health-server.ts";
export { type ErrorBody, HTTP_STATUS, toHttpError } from "./http-errors.ts";
export {
	DEFAULT_LOCK_WAIT_MS,
	type LockWaitOptions,
} from "./records/lock-wait.ts";
export {
	openPostgresRecords,
	openSqliteRecords,
} from "./records/open-records.ts";
export {
	MemoryRecords,
	type ServerRecords,
} from "./records/server-records.ts";
export type { SqliteRecordsOptions } from "./records/sqlite-records.ts";
export { type StudioOptions, studioBuild } from "./routes/studio.ts";
export type { EventRetention } from "./run-events.ts";
export {
	isFinalRunStatus,
	nextRunStatus,
	RUN_MOVES,
	RUN_STATUSES,
	RUN_STORED_MOVES,
	RUN_TRANSITIONS,
	type RunLifecycleEvent,
	type RunLifecycleStatus,
	runMachine,
	statusesBefore,
	statusesFrom,
} from "./run-lifecycle.ts";
export { type ServeOptions, serve } from "./serve.ts";
export type { RunRecord, ThreadRecord } from "./thread-registry.ts";
export {
	startWorker,
	type WeftWorker,
	type WorkerOptions,
} from "./worker/start-worker.ts";
