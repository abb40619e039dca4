// @weft/evals/sqlite: the SQLite store (loads better-sqlite3, an optional peer).
export {
	SqliteEvalStore,
	type SqliteEvalStoreOptions,
} from "./store/sqlite-eval-store.ts";
