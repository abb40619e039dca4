export { SCHEMA_VERSION } from "./schema.ts";
export {
	SqliteCheckpointer,
	type SqliteCheckpointerOptions,
} from "./sqlite-checkpointer.ts";
