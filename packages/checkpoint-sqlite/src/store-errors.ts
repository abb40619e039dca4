import { join } from "node:path";
import { CheckpointError, isWeftError } from "@weft/checkpoint";
import { SCHEMA_VERSION } from "./schema.ts";

// The errors every store shares come from @weft/checkpoint; these are SQLite's own.

export {
	checkpointConflict as conflict,
	checkpointNotFound as notFound,
} from "@weft/checkpoint";

export function closed(path: string): CheckpointError {
	return new CheckpointError(
		"STORE_UNAVAILABLE",
		`the SQLite checkpointer for ${path} is closed`,
		{
			hint: "create a new SqliteCheckpointer, or stop using this one after close()",
		},
	);
}

export function schemaTooNew(path: string, found: number): CheckpointError {
	return new CheckpointError(
		"STORE_SCHEMA_TOO_NEW",
		`${path} has Weft checkpoint schema version ${found}; this @weft/checkpoint-sqlite knows versions up to ${SCHEMA_VERSION}`,
		{
			hint: "a newer Weft wrote this file: upgrade @weft/checkpoint-sqlite in this process (the file was left untouched)",
		},
	);
}

/** The driver's error code (better-sqlite3's `SqliteError.code`), if any. */
export function sqliteCode(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === "string" ? code : undefined;
}

/** Turns a driver error into a typed one; a WeftError (e.g. from the serializer) passes through. */
export function storeError(
	error: unknown,
	path: string,
	opened: { readOnly: boolean } = { readOnly: false },
): Error {
	if (isWeftError(error)) return error;
	const message = error instanceof Error ? error.message : String(error);
	if (
		opened.readOnly &&
		(sqliteCode(error) ?? "").startsWith("SQLITE_READONLY")
	)
		return new CheckpointError(
			"STORE_UNAVAILABLE",
			`SQLite store ${path} was opened read-only (readOnly: true): it cannot be written`,
			{
				hint: "open it without readOnly to write (the file and its folder must be writable by this process)",
				cause: error,
			},
		);
	return new CheckpointError(
		"STORE_UNAVAILABLE",
		`SQLite store ${path}: ${message}`,
		{ hint: hintFor(sqliteCode(error) ?? "", message, path), cause: error },
	);
}

function hintFor(code: string, message: string, path: string): string {
	if (code === "SQLITE_NOTADB")
		return `${path} is not a SQLite database: pass the path of a Weft database, or a new file name (nothing was written to this one)`;
	if (code.startsWith("SQLITE_CORRUPT"))
		return `${path} is damaged: restore it from a backup, or try the sqlite3 shell's .recover on a copy`;
	if (/directory does not exist/i.test(message) || code === "SQLITE_CANTOPEN")
		return isDirectory(path)
			? `${path} is a directory: pass the path of a database file in it (e.g. ${join(path, "weft.db")})`
			: `check that the directory of ${path} exists and that this process may write there`;
	if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
		return "another connection held the write lock longer than busyTimeoutMs: retry, or raise busyTimeoutMs";
	if (code.startsWith("SQLITE_READONLY"))
		return `${path} is read-only for this process: fix its permissions (and those of its -wal and -shm files)`;
	if (code === "SQLITE_FULL")
		return "the disk is full: free space, or prune old checkpoints";
	if (code.startsWith("SQLITE_IOERR"))
		return "the operating system failed a read or write: check the disk and the file system";
	if (code === "SQLITE_ERROR" && /no such (table|column)/i.test(message))
		return `${path} is a SQLite database but not (or not fully) a Weft one: use a separate file for checkpoints`;
	return "see the cause for the driver's message";
}

function isDirectory(path: string): boolean {
	try {
		return process.getBuiltinModule("node:fs").statSync(path).isDirectory();
	} catch {
		return false;
	}
}
