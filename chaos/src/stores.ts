// The durable stores the suite runs on, and how a test or a worker process opens them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import {
	createDatabase,
	databaseUrl,
	dropDatabase,
	postgresAvailable,
} from "./postgres-admin.ts";

export type StoreKind = "sqlite" | "postgres";

/** Where a store's data lives: a SQLite file path, or `<connection string>#<schema>`. */
export interface StoreLocation {
	kind: StoreKind;
	location: string;
}

/** Opens a store (in a test or in a worker); a Postgres store on `pool` when given. */
export async function openStore(
	where: StoreLocation,
	pool?: import("pg").Pool,
): Promise<Checkpointer> {
	if (where.kind === "sqlite") {
		const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
		return new SqliteCheckpointer({ path: where.location });
	}
	const { PostgresCheckpointer } = await import("@weft/checkpoint-postgres");
	const [connectionString, schema] = where.location.split("#");
	return PostgresCheckpointer.connect(
		pool === undefined
			? { connectionString: connectionString!, schema: schema! }
			: { pool, schema: schema! },
	);
}

/** One backend for one test file: makes fresh locations, and removes them all at the end. */
export interface Backend {
	kind: StoreKind;
	/** A fresh, empty store location. */
	fresh(): StoreLocation;
	/** The Postgres database (undefined for SQLite). */
	database: string | undefined;
	/** A temp dir for side files (journals). */
	dir: string;
	cleanup(): Promise<void>;
}

let n = 0;

function sqliteBackend(): Backend {
	const dir = mkdtempSync(join(tmpdir(), "wt-chaos-"));
	return {
		kind: "sqlite",
		database: undefined,
		dir,
		fresh: () => ({ kind: "sqlite", location: join(dir, `s${n++}.db`) }),
		cleanup: async () => rmSync(dir, { recursive: true, force: true }),
	};
}

async function postgresBackend(label: string): Promise<Backend> {
	const dir = mkdtempSync(join(tmpdir(), "wt-chaos-"));
	const database = await createDatabase(label);
	const url = databaseUrl(database);
	return {
		kind: "postgres",
		database,
		dir,
		fresh: () => ({ kind: "postgres", location: `${url}#s${n++}` }),
		cleanup: async () => {
			await dropDatabase(database);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** The durable backends to run: SQLite always; Postgres when a server answers (always in CI). */
export async function durableBackends(label: string): Promise<Backend[]> {
	const out = [sqliteBackend()];
	if (await postgresAvailable()) out.push(await postgresBackend(label));
	return out;
}

/** Only Postgres (empty when it does not answer outside CI). */
export async function postgresBackends(label: string): Promise<Backend[]> {
	return (await postgresAvailable()) ? [await postgresBackend(label)] : [];
}
