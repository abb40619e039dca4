import type { Corruption } from "@weft/checkpoint/conformance";
import Database from "better-sqlite3";

const KEY =
	"thread_id = @threadId AND ns = @ns AND checkpoint_id = @checkpointId";

/** Damages rows of a Weft SQLite file through a second connection, for the conformance suite's corrupt cases. */
export function corruptSqlite(path: string, c: Corruption): boolean {
	const db = new Database(path);
	try {
		const at = c.at;
		switch (c.kind) {
			case "parent":
				return (
					db
						.prepare(
							`UPDATE checkpoints SET parent_id = @parentId WHERE ${KEY}`,
						)
						.run({ ...at, parentId: c.parentId }).changes === 1
				);
			case "delete":
				return (
					db.prepare(`DELETE FROM checkpoints WHERE ${KEY}`).run(at).changes ===
					1
				);
			case "blob":
				return (
					db
						.prepare(`UPDATE checkpoints SET data = @bytes WHERE ${KEY}`)
						.run({ ...at, bytes: c.bytes }).changes === 1
				);
			case "metadata":
				return (
					db
						.prepare(`UPDATE checkpoints SET metadata = @text WHERE ${KEY}`)
						.run({ ...at, text: c.text }).changes === 1
				);
			case "write":
				return (
					db
						.prepare(
							`UPDATE writes SET data = @bytes WHERE ${KEY} AND seq = (
								SELECT seq FROM writes WHERE ${KEY} ORDER BY seq LIMIT 1 OFFSET @index)`,
						)
						.run({ ...at, bytes: c.bytes, index: c.index }).changes === 1
				);
		}
	} finally {
		db.close();
	}
}

/** A checkpoint's stored data blob, read through a second connection. */
export function storedBlob(path: string, at: Corruption["at"]): Buffer {
	const db = new Database(path, { readonly: true });
	try {
		const row = db
			.prepare(`SELECT data FROM checkpoints WHERE ${KEY}`)
			.get(at) as { data: Buffer } | undefined;
		if (row === undefined) throw new Error("no such checkpoint row");
		return row.data;
	} finally {
		db.close();
	}
}
