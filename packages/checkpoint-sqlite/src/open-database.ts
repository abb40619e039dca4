import Database from "better-sqlite3";
import { nativeBinding } from "./native-binding.ts";
import { migrate, SCHEMA_VERSION, schemaVersion } from "./schema.ts";
import { schemaTooNew, storeError } from "./store-errors.ts";

export interface OpenOptions {
	path: string;
	synchronous: "normal" | "full";
	busyTimeoutMs: number;
}

/** Cap on the size the WAL file keeps after a checkpoint (it otherwise stays as large as its peak). */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

/**
 * WAL pages between automatic checkpoints (SQLite's default is 1000). A checkpoint put wrote ≈ 7.5 pages
 * (the row, its three indexes, the thread row and its index; ≈ 8.2 at `PAGE_SIZE`; ≈ 6 for a linear step
 * since decision 0194), so the default checkpoints every ≈ 130 puts, and each checkpoint syncs the WAL and
 * the file at `synchronous=NORMAL`: ≈ 20 µs a put here. 4000 pages (8 MB of WAL at `PAGE_SIZE`, under the
 * size cap) checkpoints about as often per commit as a one-row table does at the default, and writes each
 * hot page back once per checkpoint instead of four times. Durability is the same: a commit is in the WAL
 * either way (decision 0185). Once a process has written for a while, a worker thread checkpoints instead
 * (background-checkpoints.ts, decision 0187).
 */
export const WAL_AUTOCHECKPOINT_PAGES = 4000;

/**
 * The page size of a file this package creates (SQLite's default is 4096). A put's commit writes one page
 * of each B-tree it touches (≈ 7.5 pages when this was chosen: the row, its three indexes, the thread row
 * and its index; a linear step writes fewer since decision 0194) while its rows are a few hundred bytes:
 * at 4096 most of each page written is bytes that did not change, and a commit's cost follows the bytes it
 * copies and checksums into the WAL. At 2048 a small put costs ≈ 15 % less; a large snapshot blob
 * (overflow pages, read and written page by page) costs ≈ 1.25 × as much, against ≈ 1.75 × at 1024
 * (decision 0188). Files made before keep their page size.
 */
export const PAGE_SIZE = 2048;

/**
 * Opens (or creates) the database, sets it up and migrates it. Nothing is written to the file before its
 * schema version is known to be one this code understands, and a file that is not a SQLite database is
 * never written at all.
 */
export function openDatabase(options: OpenOptions): Database.Database {
	let db: Database.Database | undefined;
	try {
		db = new Database(options.path, {
			timeout: options.busyTimeoutMs,
			nativeBinding: nativeBinding(),
		});
		// Takes effect on a new (empty) file only, and only before its first read; writes nothing.
		db.pragma(`page_size = ${PAGE_SIZE}`);
		// The first read: fails with SQLITE_NOTADB on a file that is not a database.
		const found = schemaVersion(db);
		if (found > SCHEMA_VERSION) throw schemaTooNew(options.path, found);
		// Only takes effect on a file without tables: space freed by prune/deleteThread is then returned
		// to the file system by `PRAGMA incremental_vacuum` (older files need one VACUUM to switch).
		if (found === 0) db.pragma("auto_vacuum = INCREMENTAL");
		db.pragma("journal_mode = WAL");
		db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
		db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
		// In WAL mode NORMAL syncs at checkpoints only: a process crash loses nothing, a power loss may
		// lose the last commits. FULL syncs every commit.
		db.pragma(
			`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`,
		);
		// A current file is not written at all: opening takes no write lock, so a reader (`weft threads`,
		// another worker) opens while a runner is inside a commit, or is stopped in one.
		if (found < SCHEMA_VERSION) {
			const migratedFrom = migrate(db);
			if (migratedFrom > SCHEMA_VERSION)
				throw schemaTooNew(options.path, migratedFrom);
		}
		return db;
	} catch (error) {
		db?.close();
		throw storeError(error, options.path);
	}
}
