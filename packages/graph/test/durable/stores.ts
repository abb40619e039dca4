import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import {
	admin,
	CONNECTION as PG,
	postgresAvailable,
} from "../../../checkpoint-postgres/test/postgres.ts";

/** A store the durability tests run on: where its data lives, and how to open it. */
export interface Store {
	name: "memory" | "sqlite" | "postgres";
	create(dir: string): Promise<string>;
	open(location: string): Promise<Checkpointer>;
	drop(location: string): Promise<void>;
}

/** The in-memory store, for suites that run on it too: each open is a new, empty one. */
export const memory: Store = {
	name: "memory",
	create: async () => "",
	open: async () => {
		const { MemoryCheckpointer } = await import("@weft/checkpoint");
		return new MemoryCheckpointer();
	},
	drop: async () => {},
};

const sqlite: Store = {
	name: "sqlite",
	create: async (dir) => join(dir, "weft.db"),
	open: async (path) => {
		const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
		return new SqliteCheckpointer({ path });
	},
	drop: async () => {},
};

const postgres: Store = {
	name: "postgres",
	create: async () =>
		`${PG}#durable_${process.pid}_${Math.random().toString(36).slice(2, 8)}`,
	open: async (location) => {
		const { PostgresCheckpointer } = await import("@weft/checkpoint-postgres");
		const [connectionString, schema] = location.split("#");
		return PostgresCheckpointer.connect({
			connectionString: connectionString!,
			schema: schema!,
		});
	},
	drop: (location) =>
		admin(`DROP SCHEMA IF EXISTS "${location.split("#")[1]}" CASCADE`),
};

/** The stores to test: SQLite always; Postgres in CI (where it must answer), or when a server answers. */
export async function stores(): Promise<Store[]> {
	return (await postgresAvailable()) ? [sqlite, postgres] : [sqlite];
}

/** Runs `body` on a fresh store of `store`'s kind under `dir` (a new folder), then closes and drops it. */
export async function withStore(
	store: Store,
	dir: string,
	body: (cp: Checkpointer) => Promise<void>,
): Promise<void> {
	const location = await store.create(mkdtempSync(`${dir}/t-`));
	const cp = await store.open(location);
	try {
		await body(cp);
	} finally {
		await (cp as { close?: () => unknown }).close?.();
		await store.drop(location);
	}
}
