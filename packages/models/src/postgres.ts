// The `@weft/models/postgres` entry: loads pg, so it is kept out of the main entry.
export {
	PostgresCacheStore,
	type PostgresCacheStoreOptions,
} from "./cache/postgres-cache-store.ts";
