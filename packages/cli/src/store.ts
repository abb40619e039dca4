import { existsSync, rmSync, statSync } from "node:fs";
import {
	CheckpointError,
	type Checkpointer,
	isWeftError,
} from "@weft/checkpoint";
import type { Command as Program } from "commander";
import { UsageError } from "./cli-error.ts";
import { WEFT } from "./invocation.ts";
import { readOnlyFile } from "./read-only-file.ts";
import { readerSerializer } from "./reader.ts";

/** `--db` typed beside `--postgres`: two stores named, and which one was meant is a guess. */
export function refuseTwoStores(
	program: Pick<Program, "getOptionValueSource">,
	options: { postgres?: string | undefined },
): void {
	if (
		options.postgres !== undefined &&
		program.getOptionValueSource("db") === "cli"
	)
		throw new UsageError(
			"--db and --postgres name two stores",
			"give one: --db <file> for a SQLite file, or --postgres <url> for a Postgres database",
		);
}

/** Where the CLI reads and writes checkpoints. */
export interface StoreOptions {
	db?: string | undefined;
	postgres?: string | undefined;
}

/**
 * What a command does with the store: `read` never writes (a SQLite file this user may not write is
 * opened read-only), `write` needs an existing store it may write, `create` may also make the file.
 */
export interface StoreUse {
	access: "read" | "write" | "create";
	/** The command, named in a refusal (`weft approve writes to …`). */
	command?: string | undefined;
}

/**
 * Opens the store: a SQLite file (default ./weft.db) or, with --postgres, a Postgres database. Only a
 * command that starts a run may create the SQLite file: reading a file that is not there is a mistake
 * (a typo in --db), never an empty database.
 */
export async function openStore(
	options: StoreOptions,
	use: StoreUse = { access: "create" },
): Promise<Checkpointer> {
	const create = use.access === "create";
	const serializer = readerSerializer();
	if (options.postgres !== undefined) {
		checkPostgresUrl(options.postgres);
		const { PostgresCheckpointer } = await import("@weft/checkpoint-postgres");
		const target = postgresTarget(options.postgres);
		try {
			// a reading command makes no tables, nor one that goes on with a thread (there is none to go on
			// with): a database without them is a mistake in the URL (as a --db file that is not there), never
			// an empty store made in someone's database (decision 0219); only a command that starts runs does
			if (use.access !== "create") {
				const found = await PostgresCheckpointer.connect({
					...target,
					serializer,
					createSchema: false,
				}).catch((error: unknown) => {
					if (!isWeftError(error, "STORE_UNAVAILABLE")) throw error;
					if (/has no Weft tables/.test(error.message))
						throw new UsageError(
							`no Weft tables in schema "${target.schema ?? "weft"}" of database "${databaseOf(options.postgres!)}": ${use.access === "read" ? "nothing to read" : "no thread here"}`,
							`check the database (and ?schema=) in --postgres, or start a thread there: ${WEFT}${storeFlags(options)} run <module>`,
							error,
						);
					// an older schema (or no connection): opened as a writing command opens it, below
					return undefined;
				});
				if (found !== undefined) return found;
			}
			return await PostgresCheckpointer.connect({ ...target, serializer });
		} catch (error) {
			if (error instanceof UsageError) throw error;
			// the server answered that there is no such database: a mistake in the URL, as a missing --db file
			if (errorCode(error) === "3D000")
				throw new UsageError(
					`no database "${databaseOf(options.postgres)}" on that Postgres server`,
					"check the database name at the end of --postgres, or create it (createdb <name>)",
					error,
				);
			// no connection, so nothing was read or written (the driver's hint speaks of a write in doubt)
			if (isWeftError(error, "STORE_UNAVAILABLE"))
				throw new CheckpointError("STORE_UNAVAILABLE", error.message, {
					hint: `nothing was read or written: check the --postgres URL (host, port, user, database: ${hostOf(options.postgres)}) and that the Postgres server runs there and takes connections`,
					cause: error,
				});
			throw error;
		}
	}
	const path = options.db ?? "weft.db";
	// SQLite takes "" for a temporary database, gone when the command ends
	if (path === "")
		throw new UsageError(
			"--db needs the path of a file",
			"give one, e.g. --db weft.db (or leave --db out for ./weft.db)",
		);
	if (!create && path !== ":memory:" && !existsSync(path))
		throw new UsageError(
			`no database at ${path}`,
			"run a graph first (`weft run <module>`), or point at your database with --db <file> or --postgres <url>",
		);
	// a device or a pipe (/dev/null) is no database file: SQLite would fail on it, or read it as empty, and
	// leave a -journal beside it
	if (path !== ":memory:" && existsSync(path)) {
		const kind = statSync(path);
		if (!kind.isFile() && !kind.isDirectory())
			throw new UsageError(
				`${path} is not a file (a device or a pipe): not a weft database`,
				"point at your database with --db <file> (or --postgres <url>); `weft run <module> --db <new file>` makes a new one",
			);
	}
	// opening it would write the schema into it: a reading command leaves a file it did not make alone
	if (!create && path !== ":memory:" && statSync(path).size === 0)
		throw new UsageError(
			`the file at ${path} is empty: not a weft database`,
			"point at your database with --db <file> (or --postgres <url>); `weft run <module>` makes a new one",
		);
	const { SqliteCheckpointer, hasWeftTables } = await import(
		"@weft/checkpoint-sqlite"
	);
	// opening it as a store would make Weft's tables in it: a command that reads (or answers a thread of
	// it) leaves another program's database as it found it
	if (!create && path !== ":memory:" && hasWeftTables(path) === false)
		throw new UsageError(
			`${path} is an SQLite database without Weft's tables: not a weft database (nothing was written to it)`,
			"point at your database with --db <file> (or --postgres <url>); `weft run <module> --db <file>` makes a new one",
		);
	const readOnly = path === ":memory:" ? undefined : readOnlyFile(path);
	if (readOnly !== undefined && use.access !== "read")
		throw new CheckpointError(
			"STORE_UNAVAILABLE",
			`${use.command === undefined ? "this command" : `weft ${use.command}`} writes to ${path}, which this user may only read${readOnly.folder ? ` (its folder ${readOnly.folder} is read-only, and SQLite writes its -wal and -shm files there)` : ""}`,
			{
				hint: `work on a copy in a folder you may write (cp ${shellWord(path)} /tmp/weft.db, then --db /tmp/weft.db, with --graph <module> for the commands that load the graph: a thread's module is kept relative to its database's folder), or make the file and its folder writable for this user; reading commands (threads, show, history, diff, pending) work on it as it is`,
			},
		);
	return new SqliteCheckpointer({
		path,
		serializer,
		...(readOnly === undefined ? {} : { readOnly: true }),
	});
}

/** Refuses a --postgres value that is not a postgres:// URL, before anything tries to connect with it. */
function checkPostgresUrl(value: string): void {
	let url: URL | undefined;
	try {
		url = new URL(value);
	} catch {}
	if (
		url === undefined ||
		(url.protocol !== "postgres:" && url.protocol !== "postgresql:")
	)
		throw new UsageError(
			`--postgres "${value}" is not a Postgres URL`,
			"give one such as postgres://user@127.0.0.1:5432/weft",
		);
}

/**
 * `--postgres` as `connect()` options: a `schema` query parameter (`…/db?schema=acme`) names the schema
 * the tables live in (default `weft`), as `PostgresCheckpointer.connect({ schema })` takes it; the
 * driver gets the URL without it (it would pass an unknown parameter on to the server).
 */
export function postgresTarget(value: string): {
	connectionString: string;
	schema?: string;
} {
	const url = new URL(value);
	const schema = url.searchParams.get("schema");
	if (schema === null) return { connectionString: value };
	if (url.searchParams.getAll("schema").length > 1 || schema === "")
		throw new UsageError(
			`--postgres names ${schema === "" ? "an empty schema" : "several schemas"} (?schema=)`,
			"give one schema name: postgres://user@host:5432/db?schema=acme (default: weft)",
		);
	url.searchParams.delete("schema");
	return { connectionString: url.toString(), schema };
}

/** Where a URL points, without its password: `user@host:port/db`. */
function hostOf(value: string): string {
	const url = new URL(value);
	return `${url.username === "" ? "" : `${decodeURIComponent(url.username)}@`}${url.host || "localhost"}/${databaseOf(value)}`;
}

const databaseOf = (value: string) =>
	decodeURIComponent(new URL(value).pathname.slice(1));

/** The SQLSTATE of a Postgres error, also when it is the cause of a typed one. */
function errorCode(error: unknown): string | undefined {
	for (let e = error; e instanceof Error; e = e.cause) {
		const code: unknown = (e as Error & { code?: unknown }).code;
		if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
	}
	return undefined;
}

/**
 * Removes a SQLite database file a failed command made for nothing, with its journal files, after the
 * command closed its own connections; unless another process has it open (a `weft run` started at the
 * same moment on the same new file: SQLite removes a WAL database's `-wal` and `-shm` files when its last
 * connection closes, so either one still there means another connection), or saved anything in it
 * meanwhile (a run that has ended since, another program's table).
 */
export async function removeUnusedDatabase(file: string): Promise<void> {
	if (existsSync(`${file}-wal`) || existsSync(`${file}-shm`)) return;
	if (!(await holdsNothing(file))) return;
	// the read-only look of holdsNothing made the `-wal` and `-shm` of this WAL file, and a read-only
	// connection leaves them when it closes: theirs too, as they were not there before it (decision 0229)
	for (const suffix of ["", "-journal", "-lock", "-wal", "-shm"])
		rmSync(`${file}${suffix}`, { force: true });
}

/** The checkpointer's tables; the server's, the Store's and the evaluations' are named `weft_…`. */
const CHECKPOINT_TABLES = new Set(["threads", "checkpoints", "writes"]);
/** Tables a new store fills with its own bookkeeping (a row or two): no one's data. */
const BOOKKEEPING =
	/^(lease_floor|weft_store_schema|weft_store_fts.*|sqlite_.*)$/;

/** Whether the file holds nothing but the tables a new Weft store (`weft dev`'s too) makes, empty. */
async function holdsNothing(file: string): Promise<boolean> {
	const { openReadOnlyDatabase } = await import("@weft/checkpoint-sqlite");
	let db: ReturnType<typeof openReadOnlyDatabase> | undefined;
	try {
		db = openReadOnlyDatabase(file);
		const tables = db
			.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
			.all() as { name: string }[];
		for (const { name } of tables) {
			if (BOOKKEEPING.test(name)) continue;
			if (!CHECKPOINT_TABLES.has(name) && !name.startsWith("weft_"))
				return false;
			if (db.prepare(`SELECT 1 FROM "${name}" LIMIT 1`).get() !== undefined)
				return false;
		}
		return true;
	} catch {
		return false; // unreadable: not this command's to remove
	} finally {
		db?.close();
	}
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

/** Commands whose `--graph` is no graph module (`dev`, `mcp`: `name=module`; `stats`: a graph name). */
const OWN_GRAPH_OPTION = new Set(["dev", "mcp", "serve", "stats"]);

/**
 * The options to repeat in a command printed to paste: the store's (`storeFlags`), and the `--graph`
 * module the user gave (the module of a thread that records none, or whose module moved), so that the
 * pasted command finds the graph the typed one did.
 */
export function pasteFlags(
	options: StoreOptions & { graph?: string | undefined },
	command?: string,
): string {
	const graph =
		options.graph === undefined ||
		(command !== undefined && OWN_GRAPH_OPTION.has(command))
			? ""
			: ` --graph ${shellWord(options.graph)}`;
	return `${storeFlags(options)}${graph}`;
}
