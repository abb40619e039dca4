// The floor of a durable step on SQLite: one committed transaction (one small row) on a WAL file at
// synchronous=NORMAL, with better-sqlite3 and a prepared statement, measured on this machine.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { gc, now } from "./measure.ts";
import { round } from "./stats.ts";

/** The page size of the SQLite files Weft creates (open-database.ts, decision 0188; the smoke test checks). */
export const WEFT_PAGE_SIZE = 2048;

/**
 * µs per commit of one ≈ 150-byte row (the median of `rounds` batches of `commits`), on a file with
 * SQLite's default page size or, given `pageSize`, with that one.
 */
export function walCommitUs(
	commits = 1000,
	rounds = 5,
	pageSize?: number,
): number {
	const dir = mkdtempSync(join(tmpdir(), "bench-wal-"));
	try {
		const db = new Database(join(dir, "wal.db"));
		if (pageSize !== undefined) db.pragma(`page_size = ${pageSize}`);
		db.pragma("journal_mode = WAL");
		db.pragma("synchronous = NORMAL");
		db.exec(
			"CREATE TABLE t (id TEXT PRIMARY KEY, parent TEXT, seq INTEGER, data BLOB)",
		);
		const insert = db.prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
		const blob = Buffer.alloc(150, 7);
		let n = 0;
		const once = () => {
			const id = `c${n++}`;
			// one transaction per commit, as a checkpoint write is
			db.transaction(() => insert.run(id, `c${n - 2}`, n, blob))();
		};
		for (let i = 0; i < 200; i++) once();
		const per: number[] = [];
		for (let r = 0; r < rounds; r++) {
			gc();
			const t0 = now();
			for (let i = 0; i < commits; i++) once();
			per.push(((now() - t0) * 1000) / commits);
		}
		db.close();
		per.sort((a, b) => a - b);
		return round(per[Math.floor(per.length / 2)]!, 2);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
