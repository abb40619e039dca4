import { CheckpointError } from "@weft/checkpoint";
import Database from "better-sqlite3";
import { nativeBinding } from "./native-binding.ts";
import { SCHEMA_VERSION, schemaVersion } from "./schema.ts";
import { schemaTooNew, sqliteCode, storeError } from "./store-errors.ts";

/**
 * Opens an existing database for reading only (`readOnly: true`): no pragma is set, nothing is migrated,
 * and nothing is written, beside the file either (`openForReading`). Where SQLite cannot make the `-shm`
 * index it reads a WAL file through, a file whose last writer closed (every commit is in the file) is
 * read as a snapshot in memory.
 */
export function openReadOnly(
	path: string,
	busyTimeoutMs: number,
): Database.Database {
	let db: Database.Database | undefined;
	try {
		db = openForReading(path, busyTimeoutMs);
		let found: number;
		try {
			found = schemaVersion(db);
		} catch (error) {
			if (!needsIndexFolder(error)) throw error;
			db.close();
			db = snapshot(path) ?? changedWhileRead(path);
			found = schemaVersion(db);
		}
		checkVersion(path, found);
		return db;
	} catch (error) {
		db?.close();
		throw storeError(error, path);
	}
}

/**
 * A better-sqlite3 connection that only reads the Weft SQLite file at `path`, as a `readOnly: true`
 * checkpointer reads it: nothing is written to the file or beside it (a closed WAL file in a folder this
 * process may not write is read as a snapshot in memory). For tools that read their own tables in the
 * threads' file, such as the CLI's listings of evaluation runs and feedback. STORE_UNAVAILABLE (with what
 * to do) when the file cannot be read so: missing, not SQLite, not Weft's, or of another schema version.
 */
export function openReadOnlyDatabase(
	path: string,
	options: { busyTimeoutMs?: number } = {},
): Database.Database {
	return openReadOnly(path, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
}

/**
 * A read-only connection to `path`, or the snapshot of it in memory when SQLite would otherwise make the
 * `-wal` and `-shm` files of a WAL database beside a file this process may not write: made by another user
 * (or under a mode without write permission, copied from the file), they stay after it closes, and the
 * file's own writer cannot open it for writing again until someone deletes them. Without a `-shm`, no
 * writer has the file open, so the snapshot holds every commit (a `-wal` with commits is refused there).
 * A writer that opens the file while it is read makes the copy void: it is read again, or opened through
 * SQLite once that writer's `-shm` is there.
 */
function openForReading(
	path: string,
	busyTimeoutMs: number,
): Database.Database {
	for (let attempt = 1; ; attempt++) {
		// the access checks first: a file this process may write (the usual case) needs no look at its header
		if (writable(path) || !walWithoutIndex(path))
			return new Database(path, {
				readonly: true,
				fileMustExist: true,
				timeout: busyTimeoutMs,
				nativeBinding: nativeBinding(),
			});
		const copy = snapshot(path);
		if (copy !== undefined) return copy;
		if (attempt === SNAPSHOT_ATTEMPTS) changedWhileRead(path);
	}
}

/** Copies of a file spoiled by a writer opening it meanwhile, before opening it is refused. */
const SNAPSHOT_ATTEMPTS = 3;

/** better-sqlite3's own busy timeout, for a check that names none. */
const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** A WAL database (header bytes 18 and 19) whose `-shm` index does not exist: no writer has it open. */
function walWithoutIndex(path: string): boolean {
	const fs = process.getBuiltinModule("node:fs");
	if (fs.existsSync(`${path}-shm`)) return false;
	const header = Buffer.alloc(20);
	let fd: number | undefined;
	try {
		fd = fs.openSync(path, "r");
		fs.readSync(fd, header, 0, 20, 0);
	} catch {
		return false; // opening it says why
	} finally {
		if (fd !== undefined) fs.closeSync(fd);
	}
	return header[18] === 2 && header[19] === 2;
}

/** This process may write the file and its folder (where SQLite makes the `-wal` and `-shm` files). */
function writable(path: string): boolean {
	const fs = process.getBuiltinModule("node:fs");
	const { dirname, resolve } = process.getBuiltinModule("node:path");
	try {
		fs.accessSync(path, fs.constants.W_OK);
		fs.accessSync(dirname(resolve(path)), fs.constants.W_OK);
		return true;
	} catch {
		return false;
	}
}

/** SQLite could not make the `-shm` (and `-wal`) files a WAL database is read through. */
function needsIndexFolder(error: unknown): boolean {
	const code = sqliteCode(error) ?? "";
	return code === "SQLITE_READONLY_DIRECTORY" || code === "SQLITE_CANTOPEN";
}

/**
 * The whole file in memory, read as a rollback-journal database (the WAL flag cleared in the copy); undefined
 * when a writer may have changed it while it was read. The read holds no SQLite lock: the file must be
 * the same (size, times) after the read as before it, and still have no `-shm`, that is no writer
 * opened it meanwhile (one that opened and closed again checkpointed into the file: its times moved).
 */
function snapshot(path: string): Database.Database | undefined {
	// `node:fs` taken here, not imported: an ES import of it loads Node's streams (decision 0195)
	const fs = process.getBuiltinModule("node:fs");
	waitForWalClosed(path);
	const fd = fs.openSync(path, "r");
	let bytes: Buffer;
	try {
		const before = fs.fstatSync(fd, { bigint: true });
		bytes = Buffer.allocUnsafe(Number(before.size));
		let read = 0;
		while (read < bytes.length) {
			const n = fs.readSync(fd, bytes, read, bytes.length - read, read);
			if (n === 0) return undefined; // cut shorter while read
			read += n;
		}
		const after = fs.fstatSync(fd, { bigint: true });
		if (
			after.size !== before.size ||
			after.mtimeNs !== before.mtimeNs ||
			after.ctimeNs !== before.ctimeNs ||
			fs.existsSync(`${path}-shm`)
		)
			return undefined;
	} finally {
		fs.closeSync(fd);
	}
	// header bytes 18 and 19: file format write/read version, 2 for WAL, 1 for a rollback journal
	if (bytes.length >= 100 && bytes[18] === 2 && bytes[19] === 2) {
		bytes[18] = 1;
		bytes[19] = 1;
	}
	return new Database(bytes, {
		readonly: true,
		nativeBinding: nativeBinding(),
	});
}

/**
 * Returns once the file has no `-wal` holding commits, or refuses it. A writer closing deletes its `-shm`
 * and then its `-wal` (whose commits it has just copied into the file): a `-wal` seen without a `-shm` may
 * be in that instant, so it is looked at again a few times, ≈ 50 ms in all, before it is refused.
 */
function waitForWalClosed(path: string): void {
	const fs = process.getBuiltinModule("node:fs");
	const wal = `${path}-wal`;
	const holdsCommits = () => {
		try {
			return fs.statSync(wal).size > 0;
		} catch {
			return false; // none (or gone meanwhile)
		}
	};
	// a writer that opened the file meanwhile (its -shm): the copy is void, and the open goes through SQLite
	for (let look = 1; holdsCommits() && !fs.existsSync(`${path}-shm`); look++) {
		if (look > WAL_CLOSE_LOOKS)
			throw new CheckpointError(
				"STORE_UNAVAILABLE",
				`SQLite store ${path}: its ${wal} holds commits, which SQLite reads through a ${path}-shm file, and this process may not make one there (the file or its folder is read-only for it)`,
				{
					hint: `copy ${path} with its -wal file to a folder you may write, and open the copy; or let the process that writes it open and close it, so its commits move into the file`,
				},
			);
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
	}
}

/** How often a `-wal` without a `-shm` is looked at, 10 ms apart, before it is taken to hold commits. */
const WAL_CLOSE_LOOKS = 5;

function changedWhileRead(path: string): never {
	throw new CheckpointError(
		"STORE_UNAVAILABLE",
		`SQLite store ${path} changed while it was being read into memory (a process writing it opened it meanwhile), and again when it was read again`,
		{
			hint: "retry; a reading command run while the writer has the file open reads it through SQLite instead",
		},
	);
}

function checkVersion(path: string, found: number): void {
	if (found > SCHEMA_VERSION) throw schemaTooNew(path, found);
	if (found === 0)
		throw new CheckpointError(
			"STORE_UNAVAILABLE",
			`SQLite store ${path} is not a Weft database (it has no checkpoint tables)`,
			{
				hint: "pass the path of a Weft database (nothing was written to this one)",
			},
		);
	if (found < SCHEMA_VERSION)
		throw new CheckpointError(
			"STORE_UNAVAILABLE",
			`SQLite store ${path} has Weft checkpoint schema version ${found}, older than this code's ${SCHEMA_VERSION}, and was opened read-only: it cannot be migrated`,
			{
				hint: "open it once without readOnly (any weft command that writes, from a user who may write the file) to migrate it; the file was left untouched",
			},
		);
}

/**
 * Whether an existing SQLite file holds Weft's tables, read without writing anything (a tool that only
 * reads, such as a CLI listing, must not make them in another program's database); undefined when the
 * file cannot be read so (not SQLite, or a WAL file in a folder this process may not write): opening it
 * as a store says why.
 */
export function hasWeftTables(path: string): boolean | undefined {
	let db: Database.Database | undefined;
	try {
		db = openForReading(path, DEFAULT_BUSY_TIMEOUT_MS);
		return (
			db
				.prepare(
					"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'checkpoints'",
				)
				.get() !== undefined
		);
	} catch {
		return undefined;
	} finally {
		db?.close();
	}
}
