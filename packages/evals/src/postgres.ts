// @weft/evals/postgres: the Postgres store (loads pg, an optional peer).
export {
	PostgresEvalStore,
	type PostgresEvalStoreOptions,
} from "./store/postgres-eval-store.ts";
