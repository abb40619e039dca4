import { existsSync, statSync } from "node:fs";
import type { Checkpointer } from "@weft/checkpoint";
import { UsageError } from "./cli-error.ts";
import { readerSerializer } from "./reader.ts";

/** Where the CLI reads and writes checkpoints. */
export interface StoreOptions {
	db?: string | undefined;
	postgres?: string | undefined;
}

/**
 * Opens the store: a SQLite file (default ./weft.db) or, with --postgres, a Postgres database. Only a
 * command that starts a run may create the SQLite file: reading a file that is not there is a mistake
 * (a typo in --db), never an empty database.
 */
export async function openStore(
	options: StoreOptions,
	create = true,
): Promise<Checkpointer> {
	const serializer = readerSerializer();
	if (options.postgres !== undefined) {
		const { PostgresCheckpointer } = await import("@weft/checkpoint-postgres");
		return PostgresCheckpointer.connect({
			connectionString: options.postgres,
			serializer,
		});
	}
	const path = options.db ?? "weft.db";
	if (!create && path !== ":memory:" && !existsSync(path))
		throw new UsageError(
			`no database at ${path}`,
			"run a graph first (`weft run <module>`), or point at your database with --db <file> or --postgres <url>",
		);
	// opening it would write the schema into it: a reading command leaves a file it did not make alone
	if (!create && path !== ":memory:" && statSync(path).size === 0)
		throw new UsageError(
			`the file at ${path} is empty: not a weft database`,
			"point at your database with --db <file> (or --postgres <url>); `weft run` makes a new one",
		);
	const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
	return new SqliteCheckpointer({
		path,
		serializer,
	});
}

/** A value as one shell word: as is when it is plain, else in single quotes. */
export function shellWord(value: string): string {
	return /^[\w@%+=:,./-]+$/.test(value)
		? value
		: `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The store options to repeat in a command printed for the user to paste (`weft --db x approve …`):
 * none for the default ./weft.db; a Postgres URL with a password is left for the user to fill in.
 */
export function storeFlags(options: StoreOptions): string {
	if (options.postgres !== undefined) {
		let secret = false;
		try {
			secret = new URL(options.postgres).password !== "";
		} catch {}
		return ` --postgres ${secret ? "'<url>'" : shellWord(options.postgres)}`;
	}
	const db = options.db ?? "weft.db";
	return db === "weft.db" || db === ":memory:" ? "" : ` --db ${shellWord(db)}`;
}
