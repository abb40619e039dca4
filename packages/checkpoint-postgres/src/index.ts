export {
	PostgresCheckpointer,
	type PostgresCheckpointerOptions,
} from "./postgres-checkpointer.ts";
export { SCHEMA_VERSION } from "./schema.ts";
export {
	PostgresStore,
	type PostgresStoreOptions,
} from "./store/postgres-store.ts";
export { isConnectionLoss, isRetryable } from "./store-errors.ts";
export { BEGIN_BOUNDED } from "./transactions.ts";
