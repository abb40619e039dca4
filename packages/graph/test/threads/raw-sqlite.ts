// The SQLite driver of the store's package, for tests that damage a row of a Weft SQLite file from outside.
export { RawSqlite } from "../../../../test-setup/raw-sqlite.ts";
