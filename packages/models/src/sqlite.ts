// The `@weft/models/sqlite` entry: loads better-sqlite3, so it is kept out of the main entry.
export {
	SqliteCacheStore,
	type SqliteCacheStoreOptions,
} from "./cache/sqlite-cache-store.ts";
