export {
	PostgresCheckpointer,
	type PostgresCheckpointerOptions,
} from "./postgres-checkpointer.ts";
export { SCHEMA_VERSION } from "./schema.ts";
export {
	PostgresStore,
	type PostgresStoreOptions,
} from "./store/postgres-store.ts";
export { isConnectionLoss } from "./store-errors.ts";
