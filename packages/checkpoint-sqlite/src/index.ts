export { hasWeftTables, openReadOnlyDatabase } from "./open-read-only.ts";
export { SCHEMA_VERSION } from "./schema.ts";
export {
	SqliteCheckpointer,
	type SqliteCheckpointerOptions,
} from "./sqlite-checkpointer.ts";
export { SqliteStore, type SqliteStoreOptions } from "./store/sqlite-store.ts";
