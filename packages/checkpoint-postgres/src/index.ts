export {
	PostgresCheckpointer,
	type PostgresCheckpointerOptions,
} from "./postgres-checkpointer.ts";
export { SCHEMA_VERSION } from "./schema.ts";
